using PledgFunctions.Storage;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Lifecycle;

/// <summary>How a final transition's outbox event reaches delivery. Every path that writes a final
/// state calls <see cref="BeforeCommitAsync"/> before submitting its transaction (so a durable
/// delivery message exists even if the process dies right after the commit) and
/// <see cref="AfterCommit"/> once the transaction landed.</summary>
public interface IEventAnnouncer
{
    Task BeforeCommitAsync(EventEntity evt, CancellationToken ct);

    void AfterCommit(EventEntity evt);
}

/// <summary>Used when no delivery is wired (the outbox rows are still written).</summary>
internal sealed class NoEventAnnouncer : IEventAnnouncer
{
    public Task BeforeCommitAsync(EventEntity evt, CancellationToken ct) => Task.CompletedTask;

    public void AfterCommit(EventEntity evt) { }
}

/// <summary>Submits a transition's transaction with its event announced around it: the one way
/// every path (pay, pledge, cancel, deadline) writes a state change that may be final.</summary>
public sealed class TransitionCommitter(PurchaseTable purchases, IEventAnnouncer announcer)
{
    public async Task SubmitAsync(FinalChange change, CancellationToken ct)
    {
        if (change.Event is not null) await announcer.BeforeCommitAsync(change.Event, ct);
        await purchases.SubmitAsync(change.Actions, ct);
        foreach (var p in change.Actions.Select(a => a.Entity).OfType<PurchaseEntity>()) PledgMetrics.PurchaseCommitted(p.State, p.FailureReason);
        if (change.Event is not null) announcer.AfterCommit(change.Event);
    }
}
