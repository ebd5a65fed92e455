using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>The purchase partitions: one partition per purchase holding its purchase row, its
/// shares, its charge decisions and its outbox events, so every state change is one
/// ETag-conditional write or one entity-group transaction.</summary>
public sealed class PurchaseTable(StorageClients storage)
{
    private readonly TableClient _table = storage.Purchases;

    public async Task<PurchaseEntity?> GetPurchaseAsync(string purchaseId, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<PurchaseEntity>(purchaseId, PurchaseEntity.Row, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The purchase row and all its shares in one range query ("purchase" sorts just
    /// before "share-..").</summary>
    public async Task<PurchaseWithShares?> GetWithSharesAsync(string purchaseId, CancellationToken ct)
    {
        PurchaseEntity? purchase = null;
        var shares = new List<ShareEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {purchaseId} and RowKey ge {PurchaseEntity.Row} and RowKey lt {"share."}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (row.RowKey == PurchaseEntity.Row) purchase = Convert<PurchaseEntity>(row);
            else shares.Add(Convert<ShareEntity>(row));
        }
        return purchase is null ? null : new PurchaseWithShares(purchase, shares.OrderBy(s => s.Index).ToList());
    }

    /// <summary>The purchase row and one share in a single request.</summary>
    public async Task<(PurchaseEntity? Purchase, ShareEntity? Share)> GetWithShareAsync(string purchaseId, int shareIndex, CancellationToken ct)
    {
        var shareRow = ShareEntity.RowKeyFor(shareIndex);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {purchaseId} and (RowKey eq {PurchaseEntity.Row} or RowKey eq {shareRow})");
        PurchaseEntity? purchase = null;
        ShareEntity? share = null;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (row.RowKey == PurchaseEntity.Row) purchase = Convert<PurchaseEntity>(row);
            else share = Convert<ShareEntity>(row);
        }
        return (purchase, share);
    }

    public async Task<ChargeEntity?> GetChargeAsync(string purchaseId, string chargeId, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<ChargeEntity>(purchaseId, ChargeEntity.RowKeyFor(chargeId), cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    public async Task<T?> GetAsync<T>(string purchaseId, string rowKey, CancellationToken ct) where T : class, ITableEntity
    {
        var response = await _table.GetEntityIfExistsAsync<T>(purchaseId, rowKey, cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Insert-only: a 409 means the row exists (see <see cref="StorageErrors.IsConflict"/>).</summary>
    public Task InsertAsync(ITableEntity entity, CancellationToken ct) => _table.AddEntityAsync(entity, ct);

    /// <summary>Replace conditioned on the ETag the caller read; 412 if anyone wrote since.</summary>
    public async Task<ETag> ReplaceAsync(ITableEntity entity, CancellationToken ct)
    {
        var response = await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
        return response.Headers.ETag ?? default;
    }

    /// <summary>One entity-group transaction: all of it lands or none of it (Azure rolls back a
    /// batch whose any action fails, e.g. on a stale If-Match).</summary>
    public Task SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken ct) =>
        _table.SubmitTransactionAsync(actions, ct);

    /// <summary>Deletes rows of one partition, each conditioned on the ETag it was read with (a row
    /// changed since stays), in transactions of at most 100.</summary>
    public async Task DeleteAsync(IReadOnlyList<ITableEntity> rows, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(100))
            await _table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), ct);
    }

    public AsyncPageable<T> QueryPartitionAsync<T>(string purchaseId, string rowPrefix, CancellationToken ct) where T : class, ITableEntity, new()
    {
        var end = rowPrefix[..^1] + (char)(rowPrefix[^1] + 1);
        return _table.QueryAsync<T>(TableClient.CreateQueryFilter($"PartitionKey eq {purchaseId} and RowKey ge {rowPrefix} and RowKey lt {end}"), cancellationToken: ct);
    }

    private static T Convert<T>(TableEntity row) where T : class, ITableEntity, new() => TableEntityConverter.To<T>(row);
}

public sealed record PurchaseWithShares(PurchaseEntity Purchase, IReadOnlyList<ShareEntity> Shares);
