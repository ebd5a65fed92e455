using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>The decision about one gateway authorization, in its purchase's partition
/// (RowKey <c>charge-{chargeId}</c>). Whoever inserts it first decides: the pay/pledge commit
/// inserts it as <see cref="Committed"/> in the same transaction as the share, the recovery of
/// an orphaned authorization inserts it as <see cref="Voided"/>. The insert is the lock, so
/// the two can never both win.</summary>
public sealed class ChargeEntity : ITableEntity
{
    public const string RowPrefix = "charge-";
    public const string Committed = "committed";
    public const string Voided = "voided";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ShareRowKey { get; set; } = "";
    public long Amount { get; set; }
    public string Outcome { get; set; } = Committed;
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public DateTimeOffset DecidedAt { get; set; }

    public static string RowKeyFor(string chargeId) => RowPrefix + chargeId;
}
