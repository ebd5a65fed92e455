using Microsoft.DurableTask;

namespace PledgFunctions.Lifecycle;

/// <summary>The deadline timer fired: write FAILED if the purchase is still INITIALIZED and its
/// deadline (as storage holds it, a pledge moves it) has passed, then observe like after a nudge.
/// A lost ETag race re-reads and follows whoever won (the last payment, a cancel).</summary>
public sealed class FailPurchaseAtDeadline(ObservePurchase observe) : TaskActivity<ObserveInput, PurchaseObservation>
{
    public override Task<PurchaseObservation> RunAsync(TaskActivityContext context, ObserveInput input) => FailAsync(input, CancellationToken.None);

    // Observing enforces the deadline (DeadlineEnforcer), exactly as a read at that instant would.
    public Task<PurchaseObservation> FailAsync(ObserveInput input, CancellationToken ct) => observe.ObserveAsync(input, ct);
}
