using Microsoft.DurableTask;

namespace PledgFunctions.Lifecycle;

/// <summary>The deadline timer fired: write FAILED if the purchase is still INITIALIZED and its
/// deadline (as storage holds it, a pledge moves it) has passed, then observe like after a nudge.
/// A lost ETag race re-reads and follows whoever won (the last payment, a cancel).
/// The timer fires <see cref="PurchaseLifecycle.DeadlineLead"/> early, so the episode and this
/// activity's dispatch happen before the deadline; the activity waits out what is left of it and
/// writes FAILED within milliseconds of the deadline instead of a queue poll or two after it.</summary>
public sealed class FailPurchaseAtDeadline(ObservePurchase observe, TimeProvider time) : TaskActivity<ObserveInput, PurchaseObservation>
{
    /// <summary>Never waits longer than this (a timer fires at most about a second early on top of the lead).</summary>
    private static readonly TimeSpan MaxWait = PurchaseLifecycle.DeadlineLead + TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(5);

    public override Task<PurchaseObservation> RunAsync(TaskActivityContext context, ObserveInput input) => FailAsync(input, CancellationToken.None);

    // Observing enforces the deadline (DeadlineEnforcer), exactly as a read at that instant would.
    public async Task<PurchaseObservation> FailAsync(ObserveInput input, CancellationToken ct)
    {
        // A few milliseconds past it: a timer may wake a tick early, and an observation a hair before
        // the deadline would write nothing and cost another timer.
        if (input.Deadline is { } deadline && deadline - time.GetUtcNow() + Margin is { } left && left > TimeSpan.Zero)
            await Task.Delay(left < MaxWait ? left : MaxWait, time, ct);
        return await observe.ObserveAsync(input, ct);
    }
}
