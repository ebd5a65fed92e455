using PledgFunctions.Storage;

namespace PledgFunctions.Deadlines;

/// <summary>The safety net: fails every overdue purchase listed in the due index, whatever
/// happened to its timer message (lost enqueue after a crash, poison queue). A purchase whose
/// deadline moved (it was pledged) has its row moved to the new deadline's bucket.</summary>
public sealed class DeadlineSweep(DueIndexTable dueIndex, PurchaseTable purchases, DeadlineProcessor processor, TimeProvider time)
{
    public async Task<SweepReport> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = new List<(string Bucket, string PurchaseId)>();
        await foreach (var row in dueIndex.QueryDueAsync(now, ct)) due.Add((row.PartitionKey, row.RowKey));

        var failed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (row, token) =>
        {
            var purchase = await purchases.GetPurchaseAsync(row.PurchaseId, token);
            if (purchase is not null && !PurchaseStates.IsFinal(purchase.State))
            {
                if (now < purchase.Deadline)
                {
                    if (DueIndexTable.BucketOf(purchase.Deadline) == row.Bucket) return; // due later this minute
                    await dueIndex.AddAsync(row.PurchaseId, purchase.Deadline, token);
                }
                else if (await processor.ExpireAsync(row.PurchaseId, token) == DeadlineOutcome.Failed)
                {
                    Interlocked.Increment(ref failed);
                }
            }
            await dueIndex.RemoveAsync(row.Bucket, row.PurchaseId, token);
        });
        return new SweepReport(due.Count, failed);
    }
}

public sealed record SweepReport(int Examined, int Failed);
