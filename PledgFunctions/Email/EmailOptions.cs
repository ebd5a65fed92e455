namespace PledgFunctions.Email;

/// <summary>The <c>Pledg:Email</c> section (the contract's <c>Pledg:Email:*</c> rows), bound as
/// <see cref="Hosting.PledgOptions.Email"/>.</summary>
public sealed class EmailOptions
{
    public const string Section = "Pledg:Email";

    /// <summary>The contract's default offsets: a day and three hours before the deadline.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultReminders = [TimeSpan.FromDays(1), TimeSpan.FromHours(3)];

    /// <summary><c>false</c> sends no message to anyone.</summary>
    public bool Enabled { get; set; } = true;

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Sender of every message, as a header value ("Name &lt;address&gt;" or a bare address).</summary>
    public string From { get; set; } = "Pledg <no-reply@pledg.local>";

    /// <summary>The offsets as configured (<c>Pledg:Email:Reminders:N</c>); empty when none are.
    /// Starts empty because the configuration binder appends to a pre-filled list: configured
    /// offsets would come after the defaults instead of replacing them. Read <see cref="EffectiveReminders"/>.</summary>
    public List<TimeSpan> Reminders { get; set; } = [];

    /// <summary>How long before the deadline each reminder goes out: the configured offsets, or the defaults.</summary>
    public IReadOnlyList<TimeSpan> EffectiveReminders => Reminders.Count > 0 ? Reminders : DefaultReminders;

    /// <summary>Delay before the first retry of a failed send (then doubled, capped at an hour).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The server to send through: the configured one, or in Development with no host the
    /// local sink <c>dotnet run</c> starts (Hosting/DevelopmentMailLauncher.cs). Null host
    /// outside Development: nothing to send through (every send fails, transiently).</summary>
    public SmtpEndpoint ResolveSmtp(bool isDevelopment) =>
        Smtp.Host is { Length: > 0 } host
            ? new SmtpEndpoint(host, Smtp.Port, Smtp.Security, IsDevelopmentSink: false)
            : isDevelopment
                ? new SmtpEndpoint(DevelopmentMailSink.Host, DevelopmentMailSink.SmtpPort, SmtpSecurity.None, IsDevelopmentSink: true)
                : new SmtpEndpoint(null, Smtp.Port, Smtp.Security, IsDevelopmentSink: false);
}

public sealed class SmtpOptions
{
    /// <summary>None by default: in Development the local sink, elsewhere it must be configured.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Bounds each connect and command: a server that hangs holds an engine activity slot at most this long per step.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary><c>StartTls</c> upgrades a plain connection (port 587) and refuses a server that cannot;
/// <c>Tls</c> is TLS from the first byte (port 465); <c>None</c> only for a local sink.</summary>
public enum SmtpSecurity
{
    None,
    StartTls,
    Tls,
}

/// <summary>Where mail goes, once the Development default is applied.</summary>
public sealed record SmtpEndpoint(string? Host, int Port, SmtpSecurity Security, bool IsDevelopmentSink);

/// <summary>The local SMTP sink with a web inbox (smtp4dev) used in Development when no host is configured.</summary>
public static class DevelopmentMailSink
{
    public const string Host = "127.0.0.1";
    public const int SmtpPort = 2525;
    public const int InboxPort = 5005;
    public static string InboxUrl => $"http://{Host}:{InboxPort}";
}
