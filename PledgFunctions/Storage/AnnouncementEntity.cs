using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>A card authorization a request announced to a purchase whose orchestration had not
/// started yet (RowKey <c>announce-{authorizationKey}</c>, in the purchase's partition). The Azure
/// Storage provider discards an event that reaches an instance before its start message is
/// processed, so the nudge itself may be lost; the instance's first observation reads these rows
/// and settles each authorization as if nudged (see <c>LifecycleSignals.NudgeAsync</c>). Written
/// only in that window: a started instance keeps every event.</summary>
public sealed class AnnouncementEntity : ITableEntity
{
    public const string RowPrefix = "announce-";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AuthorizationKey { get; set; } = "";
    public DateTimeOffset AnnouncedAt { get; set; }

    public static string RowKeyFor(string authorizationKey) => RowPrefix + authorizationKey;
}
