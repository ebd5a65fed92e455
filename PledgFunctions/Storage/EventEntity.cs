using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>A merchant notification in the transactional outbox: written in the same
/// entity-group transaction as the final state it announces (RowKey <c>event-{eventId}</c>),
/// so there is never a final state without its event nor an event without its state. The body
/// is frozen at that moment, so every delivery attempt sends the same bytes.</summary>
public sealed class EventEntity : ITableEntity
{
    public const string RowPrefix = "event-";
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string GivenUp = "given_up";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    public string MerchantId { get; set; } = "";
    public string NotificationUrl { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string Body { get; set; } = "";

    public string Status { get; set; } = Pending;
    public int Attempts { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }

    public static string RowKeyFor(string eventId) => RowPrefix + eventId;
}
