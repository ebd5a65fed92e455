using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>The safety net under the timers: every purchase has a row in the minute bucket of its
/// deadline (PartitionKey <c>yyyyMMddHHmm</c>, RowKey purchase id). Rows are deleted once their
/// purchase is final, so the sweep's PartitionKey range query "every bucket up to now" meets only
/// work still to do, never the whole table.</summary>
public sealed class DueIndexTable(StorageClients storage)
{
    private readonly TableClient _table = storage.DueIndex;

    public static string BucketOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>Idempotent: writing the same (bucket, purchase) twice is harmless.</summary>
    public Task AddAsync(string purchaseId, DateTimeOffset deadline, CancellationToken ct) =>
        _table.UpsertEntityAsync(new TableEntity(BucketOf(deadline), purchaseId), TableUpdateMode.Replace, ct);

    /// <summary>Unconditional and idempotent: a row already removed by another sweeper is fine.</summary>
    public async Task RemoveAsync(string bucket, string purchaseId, CancellationToken ct)
    {
        try { await _table.DeleteEntityAsync(bucket, purchaseId, cancellationToken: ct); }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    public AsyncPageable<TableEntity> QueryDueAsync(DateTimeOffset now, CancellationToken ct) =>
        _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey le {BucketOf(now)}"),
            select: ["PartitionKey", "RowKey"], cancellationToken: ct);
}
