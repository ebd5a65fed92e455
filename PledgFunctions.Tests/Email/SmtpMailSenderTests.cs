using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using PledgFunctions.Email;
using PledgFunctions.Hosting;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Telemetry;

namespace PledgFunctions.Tests.Email;

/// <summary>The MailKit sender against a real SMTP server (<see cref="SmtpSink"/>): what arrives, and
/// which failures are for good and which are worth another try.</summary>
public sealed class SmtpMailSenderTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TelemetryCapture _telemetry = new();
    private SmtpSink _sink = null!;

    public async Task InitializeAsync() => _sink = await SmtpSink.StartNewAsync();

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        _telemetry.Dispose();
    }

    private SmtpMailSender Sender(int? port = null, TimeSpan? timeout = null)
    {
        var options = new PledgOptions();
        options.Email.Smtp.Host = "127.0.0.1";
        options.Email.Smtp.Port = port ?? _sink.Port;
        options.Email.Smtp.Security = SmtpSecurity.None;
        options.Email.Smtp.Timeout = timeout ?? TimeSpan.FromSeconds(2);
        var logs = new LoggerFactory([_telemetry]);
        return new SmtpMailSender(Options.Create(options), new HostingEnvironment { EnvironmentName = "Testing" }, TimeProvider.System,
            logs.CreateLogger<SmtpMailSender>());
    }

    private static OutgoingMail Mail(string to = "bob@example.com") => new(
        $"msg_{Guid.NewGuid():N}@pledg.local", to, "Outdoor Shop : votre part de 40,00 € reste à payer",
        "Payer ma part : https://pledg.example/pay/share/tok_secret\n", "<p><a href=\"https://pledg.example/pay/share/tok_secret\">Payer ma part</a></p>");

    [Fact]
    public async Task BothPartsArriveWithTheSendersHeadersAndTheGivenMessageId()
    {
        var mail = Mail();
        await Sender().SendAsync(mail, CancellationToken.None);

        var received = await _sink.WaitForAsync(m => m.MessageId == mail.MessageId, Wait);
        Assert.Equal($"<{mail.MessageId}>", received.Headers[HeaderId.MessageId]);
        var from = Assert.Single(received.From.Mailboxes);
        Assert.Equal(("Pledg", "no-reply@pledg.local"), (from.Name, from.Address));
        Assert.Equal("bob@example.com", Assert.Single(received.To.Mailboxes).Address);
        Assert.Equal(mail.Subject, received.Subject);
        var alternative = Assert.IsType<MultipartAlternative>(received.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal(mail.Text, received.TextBody?.ReplaceLineEndings("\n"));
        Assert.Contains("href=\"https://pledg.example/pay/share/tok_secret\"", received.HtmlBody);
        Assert.Equal("auto-generated", received.Headers["Auto-Submitted"]);
    }

    [Theory]
    [InlineData("msg_01JDX4@pledg.local")]
    [InlineData("msg_01JDX4")]
    public async Task TheMessageIdIsWrittenExactlyAsGiven(string id)
    {
        var mail = Mail($"{Guid.NewGuid():N}@example.com") with { MessageId = id };
        await Sender().SendAsync(mail, CancellationToken.None);

        var received = await _sink.WaitForAsync(m => m.To.Mailboxes.Any(a => a.Address == mail.To), Wait);
        Assert.Equal($"<{id}>", received.Headers[HeaderId.MessageId]);
    }

    [Fact]
    public async Task EveryAttemptOfAMessageCarriesTheSameMessageId()
    {
        var mail = Mail();
        await Sender().SendAsync(mail, CancellationToken.None);
        await Sender().SendAsync(mail, CancellationToken.None);

        var copies = await _sink.WaitForCountAsync(2, Wait, m => m.To.Mailboxes.Any(a => a.Address == mail.To));
        Assert.All(copies, copy => Assert.Equal(mail.MessageId, copy.MessageId));
    }

    [Fact]
    public async Task ARecipientRefusedForGoodIsARejectionNotARetry()
    {
        _sink.RejectPermanently("gone@example.com");
        var error = await Assert.ThrowsAsync<MailRejectedException>(() => Sender().SendAsync(Mail("gone@example.com"), CancellationToken.None));
        Assert.Contains("550", error.Message);
        Assert.Equal(1, _sink.RecipientAttempts("gone@example.com"));
    }

    [Fact]
    public async Task AnAddressThatCannotBeWrittenIsARejection() =>
        await Assert.ThrowsAsync<MailRejectedException>(() => Sender().SendAsync(Mail("not an address"), CancellationToken.None));

    [Fact]
    public async Task ATemporaryRefusalIsTransientAndTheNextAttemptGoesThrough()
    {
        var mail = Mail();
        _sink.FailTemporarily(true);
        // A deferral, not a rejection: the server is up and the message is tried again later.
        var error = await Assert.ThrowsAsync<MailDeferredException>(() => Sender().SendAsync(mail, CancellationToken.None));
        Assert.Equal(451, (int)Assert.IsType<SmtpCommandException>(error.InnerException).StatusCode);

        _sink.FailTemporarily(false);
        await Sender().SendAsync(mail, CancellationToken.None);
        await _sink.WaitForAsync(m => m.MessageId == mail.MessageId, Wait);
    }

    [Fact]
    public async Task AServerThatIsDownFailsTransientlyAndAtOnceThenTakesMailWhenBack()
    {
        var mail = Mail();
        await _sink.StopAsync();
        var took = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Sender().SendAsync(mail, CancellationToken.None));
        Assert.IsNotType<MailRejectedException>(error);
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(2), $"a refused connection took {took.Elapsed}");

        await _sink.StartAsync();
        await Sender().SendAsync(mail, CancellationToken.None);
        await _sink.WaitForAsync(m => m.MessageId == mail.MessageId, Wait);
    }

    [Fact]
    public async Task AServerThatHangsIsGivenUpOnWithinTheTimeout()
    {
        // Accepts the connection and never greets: the step timeout, not the caller, ends the attempt.
        using var silent = new TcpListener(IPAddress.Loopback, FreePorts.Next());
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var took = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Sender(port, TimeSpan.FromSeconds(1)).SendAsync(Mail(), CancellationToken.None));
        Assert.IsNotType<MailRejectedException>(error);
        Assert.IsNotType<TaskCanceledException>(error);
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(4), $"a silent server held the send for {took.Elapsed}");
    }

    [Fact]
    public async Task NeitherTheBodyNorTheLinkNorTheFullAddressIsLogged()
    {
        _sink.RejectPermanently("gone@example.com");
        await Sender().SendAsync(Mail(), CancellationToken.None);
        await Assert.ThrowsAsync<MailRejectedException>(() => Sender().SendAsync(Mail("gone@example.com"), CancellationToken.None));

        Assert.NotEmpty(_telemetry.Logs);
        foreach (var (where, text) in _telemetry.Everything())
        {
            Assert.False(text.Contains("tok_secret", StringComparison.Ordinal), $"{where}: {text}");
            Assert.False(text.Contains("bob@", StringComparison.Ordinal), $"{where}: {text}");
            Assert.False(text.Contains("gone@", StringComparison.Ordinal), $"{where}: {text}");
            Assert.False(text.Contains("Payer ma part", StringComparison.Ordinal), $"{where}: {text}");
        }
    }
}
