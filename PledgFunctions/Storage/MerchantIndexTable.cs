using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>Each merchant's purchases, newest first: PartitionKey = merchant id, RowKey = purchase
/// id (whose first digits are the inverted creation time). Holds only what never changes
/// (organizer email, creation time); state is read from the purchase itself, so a list never
/// shows a stale state.
/// Each purchase has a second row in the partition of its (merchant, organizer email), so listing
/// by email reads only that email's rows, newest first: O(page) even when the email matches
/// nothing, where filtering the merchant's partition on a column scans all of it. Neither row
/// holds anything an edit can change.</summary>
public sealed class MerchantIndexTable(StorageClients storage)
{
    private readonly TableClient _table = storage.MerchantPurchases;

    /// <summary>Both rows, in parallel: they are in two partitions, so not one transaction; a
    /// row whose purchase never landed is skipped by listing.</summary>
    public Task AddAsync(string merchantId, string purchaseId, string normalizedOrganizerEmail, DateTimeOffset createdAt, CancellationToken ct) =>
        Task.WhenAll(
            UpsertAsync(merchantId, purchaseId, normalizedOrganizerEmail, createdAt, ct),
            UpsertAsync(EmailPartition(merchantId, normalizedOrganizerEmail), purchaseId, normalizedOrganizerEmail, createdAt, ct));

    /// <summary>Index rows after <paramref name="afterPurchaseId"/> (exclusive), optionally for one
    /// organizer: a range read of one partition either way.</summary>
    public IAsyncEnumerable<MerchantIndexEntity> QueryAsync(string merchantId, string? afterPurchaseId, string? normalizedOrganizerEmail, int pageSize, CancellationToken ct)
    {
        var partition = normalizedOrganizerEmail is null ? merchantId : EmailPartition(merchantId, normalizedOrganizerEmail);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {afterPurchaseId ?? ""}");
        return _table.QueryAsync<MerchantIndexEntity>(filter, maxPerPage: pageSize, cancellationToken: ct);
    }

    /// <summary>An email may hold characters a PartitionKey may not ('/', '#', '?'), so its hash names the partition.</summary>
    public static string EmailPartition(string merchantId, string normalizedOrganizerEmail) =>
        $"{merchantId}-email-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedOrganizerEmail)))}";

    private Task UpsertAsync(string partition, string purchaseId, string email, DateTimeOffset createdAt, CancellationToken ct) =>
        _table.UpsertEntityAsync(new MerchantIndexEntity
        {
            PartitionKey = partition, RowKey = purchaseId, OrganizerEmail = email, CreatedAt = createdAt,
        }, TableUpdateMode.Replace, ct);
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
