using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>Each merchant's purchases, newest first: PartitionKey = merchant id, RowKey = purchase
/// id (whose first digits are the inverted creation time). Holds only what never changes
/// (organizer email, creation time); state is read from the purchase itself, so a list never
/// shows a stale state.</summary>
public sealed class MerchantIndexTable(StorageClients storage)
{
    private readonly TableClient _table = storage.MerchantPurchases;

    public Task AddAsync(string merchantId, string purchaseId, string normalizedOrganizerEmail, DateTimeOffset createdAt, CancellationToken ct) =>
        _table.UpsertEntityAsync(new MerchantIndexEntity
        {
            PartitionKey = merchantId, RowKey = purchaseId, OrganizerEmail = normalizedOrganizerEmail, CreatedAt = createdAt,
        }, TableUpdateMode.Replace, ct);

    /// <summary>Index rows after <paramref name="afterPurchaseId"/> (exclusive), optionally for one organizer.</summary>
    public IAsyncEnumerable<MerchantIndexEntity> QueryAsync(string merchantId, string? afterPurchaseId, string? normalizedOrganizerEmail, int pageSize, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {merchantId} and RowKey gt {afterPurchaseId ?? ""}");
        if (normalizedOrganizerEmail is not null)
            filter += " and " + TableClient.CreateQueryFilter($"OrganizerEmail eq {normalizedOrganizerEmail}");
        return _table.QueryAsync<MerchantIndexEntity>(filter, maxPerPage: pageSize, cancellationToken: ct);
    }
}

public sealed class MerchantIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string OrganizerEmail { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
