using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Messages;

/// <summary>One email to a member of a purchase, in the purchase's partition (RowKey
/// <c>message-{group}-..</c>, sorted in the order they are scheduled: share requests, the receipt,
/// the reminders by due time, the outcome). Holds what the merchant may see of it, never its body
/// or its link (they carry page tokens): those are rendered from the purchase at each attempt.</summary>
public sealed class MessageEntity : ITableEntity
{
    public const string RowPrefix = "message-";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The contract's <c>msg_…</c> id, also the left part of the <c>Message-ID</c> header.</summary>
    public string MessageId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string To { get; set; } = "";
    /// <summary>The member's share (0: the organizer).</summary>
    public int ShareIndex { get; set; }
    /// <summary>The figure the message states (see <see cref="Email.MessageFacts.Amount"/>), fixed when planned.</summary>
    public long Amount { get; set; }
    public string Status { get; set; } = MessageStatuses.Pending;
    /// <summary>When it is due: the pledge or the outcome for most, the deadline minus the offset for a reminder.
    /// The retry period (a day) counts from here.</summary>
    public DateTimeOffset ScheduledFor { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    /// <summary>The SMTP server's answer to the last failed attempt (never the message).</summary>
    public string? LastError { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

public static class MessageStatuses
{
    public const string Scheduled = "scheduled";
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}
