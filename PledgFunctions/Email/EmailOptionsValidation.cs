using MimeKit;

namespace PledgFunctions.Email;

/// <summary>The <c>Pledg:Email</c> rules, run by the <c>Pledg</c> validator at start-up
/// (Hosting/OptionsSetup.cs), so a typo in an address or an offset fails the start, not the first send.</summary>
internal static class EmailOptionsValidation
{
    public static IEnumerable<string> Failures(EmailOptions email)
    {
        if (!MailboxAddress.TryParse(email.From, out _)) yield return "Pledg:Email:From must be an email address, optionally with a name: 'Pledg <no-reply@example.com>'.";
        if (email.Smtp.Port is < 1 or > 65535) yield return "Pledg:Email:Smtp:Port must be between 1 and 65535.";
        if (!Enum.IsDefined(email.Smtp.Security)) yield return "Pledg:Email:Smtp:Security must be None, StartTls or Tls.";
        if (email.Smtp.Timeout <= TimeSpan.Zero) yield return "Pledg:Email:Smtp:Timeout must be positive.";
        if (string.IsNullOrEmpty(email.Smtp.UserName) != string.IsNullOrEmpty(email.Smtp.Password))
            yield return "Pledg:Email:Smtp:UserName and Pledg:Email:Smtp:Password go together.";
        if (email.FirstRetryDelay <= TimeSpan.Zero) yield return "Pledg:Email:FirstRetryDelay must be positive.";
        for (var i = 0; i < email.Reminders.Count; i++)
            if (email.Reminders[i] <= TimeSpan.Zero) yield return $"Pledg:Email:Reminders:{i} must be positive.";
    }
}
