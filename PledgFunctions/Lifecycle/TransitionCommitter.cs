using PledgFunctions.Storage;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Lifecycle;

/// <summary>Submits a transition's entity-group transaction: the one way every path (pay, pledge,
/// cancel, deadline) writes a state change that may be final. Its outbox event row rides in the
/// same transaction; the purchase's orchestration delivers it once it sees the final state.</summary>
public sealed class TransitionCommitter(PurchaseTable purchases)
{
    public async Task SubmitAsync(FinalChange change, CancellationToken ct)
    {
        await purchases.SubmitAsync(change.Actions, ct);
        foreach (var p in change.Actions.Select(a => a.Entity).OfType<PurchaseEntity>()) PledgMetrics.PurchaseCommitted(p.State, p.FailureReason);
    }
}
