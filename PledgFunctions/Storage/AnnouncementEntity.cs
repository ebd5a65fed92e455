using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>A nudge a request raised to a purchase whose orchestration had not started yet (RowKey
/// <c>announce-{key}</c>, in the purchase's partition): a card authorization (the key is its
/// idempotency key) or a cancel. The Azure Storage provider discards an event that reaches an
/// instance before its start message is processed, so the nudge itself may be lost; the instance's
/// first observation reads these rows and follows each as if nudged (see
/// <c>LifecycleSignals.NudgeAsync</c>). Written only in that window: a started instance keeps every event.</summary>
public sealed class AnnouncementEntity : ITableEntity
{
    public const string RowPrefix = "announce-";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The nudge's kind (<c>charge</c> or <c>cancel</c>); rows written before cancels were announced have none and are charges.</summary>
    public string? Kind { get; set; }

    /// <summary>A charge's authorization key; empty for a cancel.</summary>
    public string AuthorizationKey { get; set; } = "";
    public DateTimeOffset AnnouncedAt { get; set; }

    public static string RowKeyFor(string key) => RowPrefix + key;
}
