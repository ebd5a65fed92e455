using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using PledgFunctions.Hosting;

namespace PledgFunctions.Email;

/// <summary>Sends each message over SMTP with MailKit, on a connection of its own (messages are few:
/// a handful per purchase, spread over days). A refusal for good (5xx to MAIL FROM, RCPT TO or DATA,
/// or an address that cannot be written) is a <see cref="MailRejectedException"/>; everything else —
/// refused connection, timeout, 4xx, a TLS or login failure an operator can fix — stays transient for
/// the activity's retry policy. Never logs a body, a subject or an address beyond its domain: bodies
/// and links carry page tokens.</summary>
public sealed class SmtpMailSender(IOptions<PledgOptions> options, IHostEnvironment environment, TimeProvider time,
    ILogger<SmtpMailSender> logger) : IMailSender
{
    /// <summary>The whole exchange is bounded too, not just each step: a server that answers each line
    /// just before the timeout must not hold an activity slot for minutes.</summary>
    private const int StepsPerSend = 3;

    public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        var email = options.Value.Email;
        var endpoint = email.ResolveSmtp(environment.IsDevelopment());
        if (endpoint.Host is null)
            throw new InvalidOperationException("No SMTP server to send through: set Pledg:Email:Smtp:Host (or Pledg:Email:Enabled=false).");
        var message = Compose(mail, email.From, time.GetUtcNow());

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(email.Smtp.Timeout * StepsPerSend);
        using var client = new SmtpClient { Timeout = (int)email.Smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, SocketOptions(endpoint.Security), bounded.Token);
            if (!string.IsNullOrEmpty(email.Smtp.UserName))
                await client.AuthenticateAsync(email.Smtp.UserName, email.Smtp.Password ?? "", bounded.Token);
            await client.SendAsync(message, bounded.Token);
            await client.DisconnectAsync(quit: true, bounded.Token);
            logger.LogInformation("Sent message {MessageId} to a recipient at {Domain} through {Host}:{Port}", mail.MessageId, Domain(mail.To), endpoint.Host, endpoint.Port);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            logger.LogWarning("The SMTP server refused message {MessageId} to a recipient at {Domain} for good: {Status} ({Error})",
                mail.MessageId, Domain(mail.To), (int)e.StatusCode, e.ErrorCode);
            throw new MailRejectedException($"The SMTP server refused the message for good: {(int)e.StatusCode} ({e.ErrorCode}).", e);
        }
        catch (SmtpCommandException e)
        {
            // 4xx: the server is up and answers, it only defers this message (a full mailbox, greylisting).
            throw new MailDeferredException($"The SMTP server deferred the message: {(int)e.StatusCode} ({e.ErrorCode}).", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            // Our bound, not the caller's cancellation: a slow server, to be retried like any timeout.
            throw new TimeoutException($"The SMTP server at {endpoint.Host}:{endpoint.Port} took longer than {email.Smtp.Timeout * StepsPerSend} to take the message.", e);
        }
    }

    /// <summary>multipart/alternative (text first, then the HTML readers prefer), and the caller's
    /// Message-ID so a copy sent again after a crash is recognisably the same message.</summary>
    internal static MimeMessage Compose(OutgoingMail mail, string from, DateTimeOffset date)
    {
        if (!MailboxAddress.TryParse(mail.To, out var to))
            throw new MailRejectedException("The recipient's address cannot be written in a message.");
        var message = new MimeMessage
        {
            Subject = mail.Subject,
            Date = date,
            Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody(),
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(to);
        message.MessageId = mail.MessageId;
        // Out-of-office replies and bounces of auto-responders are not sent back to a machine (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    private static string Domain(string address) => address.LastIndexOf('@') is var at and >= 0 ? address[(at + 1)..] : "?";
}
