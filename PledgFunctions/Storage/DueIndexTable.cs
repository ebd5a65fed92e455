using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>The safety net under the timers: every purchase has a row in the minute bucket of its
/// deadline (PartitionKey <c>yyyyMMddHHmm</c>, RowKey purchase id). The sweep reads the buckets
/// between its checkpoint and now with one PartitionKey range query, never a table scan.</summary>
public sealed class DueIndexTable(StorageClients storage)
{
    private const string CheckpointPartition = "~checkpoint";
    private const string CheckpointRow = "sweep";
    private readonly TableClient _table = storage.DueIndex;

    public static string BucketOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static DateTimeOffset StartOf(string bucket) =>
        DateTimeOffset.ParseExact(bucket, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Idempotent: writing the same (bucket, purchase) twice is harmless.</summary>
    public Task AddAsync(string purchaseId, DateTimeOffset deadline, CancellationToken ct) =>
        _table.UpsertEntityAsync(new TableEntity(BucketOf(deadline), purchaseId), TableUpdateMode.Replace, ct);

    public Task RemoveAsync(string bucket, string purchaseId, CancellationToken ct) =>
        _table.DeleteEntityAsync(bucket, purchaseId, cancellationToken: ct);

    public AsyncPageable<TableEntity> QueryAsync(string fromBucket, string toBucket, CancellationToken ct) =>
        _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {fromBucket} and PartitionKey le {toBucket}"),
            select: ["PartitionKey", "RowKey"], cancellationToken: ct);

    public async Task<(string? Bucket, ETag ETag)> GetCheckpointAsync(CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(CheckpointPartition, CheckpointRow, cancellationToken: ct);
        return row.HasValue ? (row.Value!.GetString("Bucket"), row.Value.ETag) : (null, default);
    }

    /// <summary>Conditional on the checkpoint read: two sweeping instances never move it backwards.</summary>
    public async Task SaveCheckpointAsync(string bucket, ETag read, CancellationToken ct)
    {
        var entity = new TableEntity(CheckpointPartition, CheckpointRow) { ["Bucket"] = bucket };
        if (read == default) await _table.AddEntityAsync(entity, ct);
        else await _table.UpdateEntityAsync(entity, read, TableUpdateMode.Replace, ct);
    }
}
