using System.Runtime.Serialization;
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
    /// <summary>The JSON sent to the merchant, stored as UTF-8 in <c>Body0</c>..<c>Body3</c>
    /// (see <see cref="Utf8Chunks"/>): the Purchase it carries may hold a worst-case cart.</summary>
    [IgnoreDataMember]
    public string Body
    {
        get => Utf8Chunks.Join(Body0, Body1, Body2, Body3) ?? "";
        set
        {
            var c = Utf8Chunks.Split(value, 4);
            (Body0, Body1, Body2, Body3) = (c[0], c[1], c[2], c[3]);
        }
    }
    public byte[]? Body0 { get; set; }
    public byte[]? Body1 { get; set; }
    public byte[]? Body2 { get; set; }
    public byte[]? Body3 { get; set; }

    public string Status { get; set; } = Pending;
    public int Attempts { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>The last redelivery round that reopened the row (0: never redelivered); names the
    /// round's <c>DeliverEvent</c> instance, so a round is started and reopens the row once.</summary>
    public int Redeliveries { get; set; }

    public static string RowKeyFor(string eventId) => RowPrefix + eventId;
}
