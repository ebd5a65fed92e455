using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary>Deletes the idempotency rows past their retention (<see cref="IdempotencyStore.Retention"/>:
/// the contract keeps a key at least 24 h, and <see cref="IdempotencyStore.BeginAsync"/> already
/// treats an older row as free). Without it the table keeps every key ever sent, each with the
/// response it replays. Run with the purge of ended orchestrations: by the standalone host every
/// <c>Pledg:History:PurgeEvery</c>, by a timer function under the Functions host.</summary>
public sealed class IdempotencyExpiry(StorageClients storage, TimeProvider time, ILogger<IdempotencyExpiry> logger)
{
    /// <summary>An entity-group transaction holds at most 100 actions.</summary>
    private const int Batch = 100;

    /// <summary>Returns how many rows it deleted.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        var table = storage.Idempotency;
        var cutoff = time.GetUtcNow() - IdempotencyStore.Retention;
        // One filtered read of the whole table: it holds only about a day of keys, because this
        // deletes the rest. Only the keys and the ETag come back, never the stored responses.
        var expired = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"CreatedAt le {cutoff}"),
            select: [nameof(IdempotencyEntity.PartitionKey), nameof(IdempotencyEntity.RowKey)], cancellationToken: ct))
            expired.Add(row);

        var deleted = 0;
        foreach (var chunk in expired.GroupBy(r => r.PartitionKey).SelectMany(partition => partition.Chunk(Batch)))
        {
            try
            {
                // Conditioned on the ETag read: a key reused since (its row replaced, younger) stays.
                await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), ct);
                deleted += chunk.Length;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e) || StorageErrors.IsNotFound(e))
            {
                // The whole batch rolled back; the next round reads again and skips the reused key.
                logger.LogInformation("A batch of {Count} expired idempotency keys changed meanwhile; the next round deletes it", chunk.Length);
            }
        }
        if (deleted > 0) logger.LogInformation("Deleted {Count} idempotency keys created before {Cutoff:o}", deleted, cutoff);
        return deleted;
    }
}
