using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>One member's share of a pledged purchase, in the purchase's partition.
/// RowKey <c>share-00</c> is the organizer's; <c>share-01</c>.. the pledgers' in the order given.</summary>
public sealed class ShareEntity : ITableEntity
{
    public const string RowPrefix = "share-";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Index { get; set; }
    public string Email { get; set; } = "";
    public long Amount { get; set; }
    public string State { get; set; } = PurchaseStates.Initialized;
    /// <summary>Null on the organizer's share, which has no page of its own.</summary>
    public string? Token { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    // What we keep of a card: the gateway's charge id, the brand and the last four digits.
    public string? ChargeId { get; set; }
    /// <summary>The idempotency key of the authorization that paid it: the orchestration, nudged with
    /// that key, sees the charge committed in the purchase it reads anyway (no gateway lookup).</summary>
    public string? AuthorizationKey { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }

    public static string RowKeyFor(int index) => RowPrefix + index.ToString("00", System.Globalization.CultureInfo.InvariantCulture);
}
