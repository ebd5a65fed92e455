using System.Diagnostics.Metrics;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <summary>Writes FAILED (deadline_expired) for a purchase whose deadline has passed, in one
/// entity-group transaction conditioned on every ETag read. Called by the orchestration at the
/// deadline and by any read that finds the purchase overdue before the orchestration got there:
/// once a response has shown FAILED, storage says FAILED, so a payment that read the clock just
/// before the deadline and commits late loses its ETag race and is voided.</summary>
public sealed class DeadlineEnforcer(PurchaseTable purchases, TransitionCommitter commits, TimeProvider time, ILogger<DeadlineEnforcer> logger)
{
    private static readonly Meter Meter = new("PledgFunctions.Lifecycle");
    private static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>("pledg.deadline.lag", "ms",
        "How long after its deadline a purchase was written FAILED.");

    /// <summary>The purchase with its shares as storage holds it after the deadline is enforced.</summary>
    public async Task<PurchaseWithShares?> ReadAsync(string purchaseId, CancellationToken ct)
    {
        while (true)
        {
            var found = await purchases.GetWithSharesAsync(purchaseId, ct);
            if (found is null || !PurchaseRules.IsOverdue(found.Purchase, time.GetUtcNow())) return found;
            if (await TryFailAsync(found, ct)) return found;
        }
    }

    /// <summary>For point reads: returns <paramref name="read"/> itself unless it is overdue, then
    /// the purchase after FAILED is written (by us or whoever got there first).</summary>
    public async Task<PurchaseEntity> EnforceAsync(PurchaseEntity read, CancellationToken ct)
    {
        if (!PurchaseRules.IsOverdue(read, time.GetUtcNow())) return read;
        var found = await ReadAsync(read.PartitionKey, ct);
        return found?.Purchase ?? read;
    }

    /// <summary>False when someone else changed the purchase meanwhile (the last payment, a cancel,
    /// another reader): the caller reads again and decides again.</summary>
    private async Task<bool> TryFailAsync(PurchaseWithShares found, CancellationToken ct)
    {
        var purchase = found.Purchase;
        var now = time.GetUtcNow();
        var change = Transitions.Fail(purchase, found.Shares, FailureReasons.DeadlineExpired, purchase.Deadline, now);
        try
        {
            await commits.SubmitAsync(change, ct);
        }
        catch (Exception e) when (StorageErrors.IsConflict(e))
        {
            return false;
        }
        var lag = now - purchase.Deadline;
        Lateness.Record(lag.TotalMilliseconds);
        logger.LogInformation("Purchase {PurchaseId} FAILED: deadline {Deadline:o} passed {Lag} ago", purchase.PartitionKey, purchase.Deadline, lag);
        return true;
    }
}
