namespace PledgFunctions.Email;

/// <summary>The kinds of message of the contract (section "Messages to the organizer and the pledgers").</summary>
public static class MessageKinds
{
    public const string ShareRequest = "share_request";
    public const string Receipt = "receipt";
    public const string Reminder = "reminder";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>What one message says, read from the purchase when it is sent (never stored: bodies and links carry page tokens).</summary>
/// <param name="Kind">One of <see cref="MessageKinds"/>.</param>
/// <param name="Locale"><c>en</c> or <c>fr</c>.</param>
/// <param name="MerchantName">The merchant's name, for the subject.</param>
/// <param name="To">The recipient.</param>
/// <param name="OrganizerEmail">Who started the purchase.</param>
/// <param name="Amount">The recipient's figure: a pledger's share (share_request, reminder, succeeded), the whole amount
/// charged (receipt), the organizer's share (succeeded), what the member is refunded (failed).</param>
/// <param name="PurchaseAmount">The purchase's whole amount.</param>
/// <param name="Currency">ISO 4217 code of both amounts (minor units).</param>
/// <param name="Deadline">When the pledgers' time to pay ends.</param>
/// <param name="Link">The page to open: the pledger's <c>shareUrl</c> or the organizer's <c>paymentUrl</c>.</param>
/// <param name="Shares">The receipt's list of pledgers and their shares (empty for the other kinds).</param>
/// <param name="Reference">The merchant's reference of the purchase, if any.</param>
/// <param name="FailureReason"><c>deadline_expired</c> or <c>cancelled</c> for a failed message.</param>
public sealed record MessageFacts(
    string Kind, string Locale, string MerchantName, string To, string OrganizerEmail,
    long Amount, long PurchaseAmount, string Currency, DateTimeOffset Deadline, string Link,
    IReadOnlyList<MessageShare> Shares, string? Reference = null, string? FailureReason = null);

public sealed record MessageShare(string Email, long Amount);

/// <summary>A rendered message. <paramref name="MessageId"/> has no angle brackets; the same on every attempt.</summary>
public sealed record OutgoingMail(string MessageId, string To, string Subject, string Text, string Html);

/// <summary>Sends one message over SMTP. Throws <see cref="MailRejectedException"/> when the server refuses
/// the recipient or message for good (5xx): not worth retrying. Any other exception is transient.</summary>
public interface IMailSender
{
    Task SendAsync(OutgoingMail mail, CancellationToken ct);
}

/// <summary>The SMTP server answered but deferred this message (a 4xx reply): try it again later; the
/// server itself is up, so the next message may well go through.</summary>
public sealed class MailDeferredException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The SMTP server refused the message for good (a 5xx reply).</summary>
public sealed class MailRejectedException(string message, Exception? inner = null) : Exception(message, inner);
