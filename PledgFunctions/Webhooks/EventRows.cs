using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>The outbox rows (<c>event-{id}</c>) in the purchase partitions.</summary>
public sealed class EventRows(StorageClients storage, PurchaseTable purchases)
{
    private readonly TableClient _table = storage.Purchases;

    public async Task<EventEntity?> GetAsync(string purchaseId, string eventId, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<EventEntity>(purchaseId, EventEntity.RowKeyFor(eventId), cancellationToken: ct);
        return response.HasValue ? response.Value : null;
    }

    public async Task<List<EventEntity>> ListAsync(string purchaseId, CancellationToken ct)
    {
        var rows = new List<EventEntity>();
        await foreach (var row in purchases.QueryPartitionAsync<EventEntity>(purchaseId, EventEntity.RowPrefix, ct)) rows.Add(row);
        return rows.OrderBy(e => e.CreatedAt).ToList();
    }

    /// <summary>Replace conditioned on the ETag the event was read with: 412 if another worker
    /// (or a redelivery) wrote it since. Keeps the new ETag on the entity.</summary>
    public async Task ReplaceAsync(EventEntity evt, CancellationToken ct) => evt.ETag = await purchases.ReplaceAsync(evt, ct);
}
