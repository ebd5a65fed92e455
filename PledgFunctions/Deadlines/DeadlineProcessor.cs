using System.Diagnostics.Metrics;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Deadlines;

/// <summary>Decides what a fired deadline timer means, from storage alone, so a timer that is
/// early, late, duplicated or delivered to two instances at once still yields one final state.</summary>
public sealed class DeadlineProcessor(PurchaseTable purchases, TransitionCommitter commits, TimerQueue timers, TimeProvider time, ILogger<DeadlineProcessor> logger)
{
    private static readonly Meter Meter = new("PledgFunctions.Lifecycle");
    private static readonly Histogram<double> TimerLag = Meter.CreateHistogram<double>("pledg.deadline.lag", "ms",
        "How long after its deadline a purchase was written FAILED.");

    public async Task<DeadlineOutcome> OnTimerAsync(TimerMessage message, CancellationToken ct)
    {
        var purchase = await purchases.GetPurchaseAsync(message.PurchaseId, ct);
        if (purchase is null || PurchaseStates.IsFinal(purchase.State)) return DeadlineOutcome.Dropped;
        if (time.GetUtcNow() < purchase.Deadline)
        {
            // Pledged since: the pledge armed a timer of its own (and the due index covers a crash before it).
            if (message.Deadline < purchase.Deadline && purchase.PledgedAt is not null) return DeadlineOutcome.Dropped;
            // Early: a window longer than a queue message can hide, or clock skew. Hop again.
            await timers.ScheduleAsync(purchase.PartitionKey, purchase.Deadline, ct);
            return DeadlineOutcome.Rearmed;
        }
        return await ExpireAsync(message.PurchaseId, ct);
    }

    /// <summary>INITIALIZED and overdue → FAILED (deadline_expired) with every unpaid share, in one
    /// entity-group transaction conditioned on every ETag read. A conflict means someone else
    /// changed the purchase (the last payment, another instance's timer): re-read and decide again.</summary>
    public async Task<DeadlineOutcome> ExpireAsync(string purchaseId, CancellationToken ct)
    {
        while (true)
        {
            var found = await purchases.GetWithSharesAsync(purchaseId, ct);
            if (found is null || PurchaseStates.IsFinal(found.Purchase.State)) return DeadlineOutcome.Dropped;
            var now = time.GetUtcNow();
            if (now < found.Purchase.Deadline) return DeadlineOutcome.NotDue;
            var change = Transitions.Fail(found.Purchase, found.Shares, FailureReasons.DeadlineExpired, found.Purchase.Deadline, now);
            try
            {
                await commits.SubmitAsync(change, ct);
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                continue;
            }
            var lag = now - found.Purchase.Deadline;
            TimerLag.Record(lag.TotalMilliseconds);
            logger.LogInformation("Purchase {PurchaseId} failed: deadline {Deadline:o} passed {Lag} ago", purchaseId, found.Purchase.Deadline, lag);
            return DeadlineOutcome.Failed;
        }
    }
}

public enum DeadlineOutcome { Dropped, Rearmed, NotDue, Failed }
