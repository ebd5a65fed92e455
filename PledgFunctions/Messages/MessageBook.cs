using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Storage;

namespace PledgFunctions.Messages;

/// <summary>The message rows of a purchase's partition: brought in line with <see cref="MessagePlan"/>
/// (entity-group transactions of at most 100 rows, new rows inserted, changed ones replaced on their
/// ETag; a conflict re-reads and plans again, so a crash or a concurrent send leaves nothing half
/// done that the next look does not finish), and listed for the merchant.</summary>
public sealed class MessageBook(PurchaseTable purchases, IOptions<PledgOptions> options, TimeProvider time)
{
    private const int MaxRounds = 5;

    /// <summary>Null when the purchase calls for no message at all (email off, notifyPledgers false, not pledged).</summary>
    public async Task<MessageChanges?> ReconcileAsync(PurchaseWithShares found, CancellationToken ct)
    {
        var email = options.Value.Email;
        if (!email.Enabled || !found.Purchase.NotifyPledgers || found.Purchase.PledgedAt is null) return null;
        for (var round = 1; ; round++)
        {
            var existing = await ListAsync(found.Purchase.PartitionKey, ct);
            var changes = MessagePlan.Reconcile(found.Purchase, found.Shares, email.EffectiveReminders, existing, time.GetUtcNow());
            var actions = changes.Added.Select(m => new TableTransactionAction(TableTransactionActionType.Add, m))
                .Concat(changes.Updated.Select(m => new TableTransactionAction(TableTransactionActionType.UpdateReplace, m, m.ETag))).ToList();
            try
            {
                foreach (var chunk in actions.Chunk(100)) await purchases.SubmitAsync(chunk, ct);
                return changes;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e) && round < MaxRounds)
            {
                // A send recorded its attempt, or another look planned the same rows: plan again from what landed.
            }
        }
    }

    public async Task<List<MessageEntity>> ListAsync(string purchaseId, CancellationToken ct)
    {
        var rows = new List<MessageEntity>();
        await foreach (var row in purchases.QueryPartitionAsync<MessageEntity>(purchaseId, MessageEntity.RowPrefix, ct)) rows.Add(row);
        return rows;
    }
}
