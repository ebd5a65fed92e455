using Microsoft.DurableTask;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <param name="PurchaseId">The purchase, and the instance id.</param>
/// <param name="Pending">The nudges received and not yet seen settled.</param>
/// <param name="FirstLook">The instance's first observation: it also settles the authorizations
/// announced in storage while the instance had not started (<see cref="AnnouncementEntity"/>).</param>
public sealed record ObserveInput(string PurchaseId, IReadOnlyList<PendingChange> Pending, bool FirstLook = false);

/// <summary>What storage says about a purchase, for its orchestration to follow.</summary>
public sealed record PurchaseObservation(
    bool Exists, string State, DateTimeOffset Deadline,
    IReadOnlyList<PendingChange> StillPending, DateTimeOffset? RecheckAt, IReadOnlyList<string> EventsToDeliver, bool MoneyDue = false);

/// <summary>Reads the purchase (enforcing its deadline, like every read), settles the card
/// authorizations the orchestration was nudged about, and says which changes have not landed yet
/// and when to look again. Idempotent: every effect is conditioned on what storage holds.</summary>
public sealed class ObservePurchase(DeadlineEnforcer deadlines, ChargeSettlement charges, PurchaseTable purchases, TimeProvider time)
    : TaskActivity<ObserveInput, PurchaseObservation>
{
    /// <summary>A cancel that is not visible this long after its nudge did not land (refused or failed).</summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(30);

    public override Task<PurchaseObservation> RunAsync(TaskActivityContext context, ObserveInput input) => ObserveAsync(input, CancellationToken.None);

    public async Task<PurchaseObservation> ObserveAsync(ObserveInput input, CancellationToken ct)
    {
        var stillPending = new List<PendingChange>();
        DateTimeOffset? recheck = null;
        var changes = input.FirstLook ? await WithAnnouncedAsync(input, ct) : input.Pending;
        foreach (var change in changes.Where(c => c.Nudge.Kind == Nudge.Charge))
        {
            if (await charges.SettleAsync(input.PurchaseId, change.Nudge.AuthorizationKey!, change.AnnouncedAt, ct) is { } again)
                (stillPending, recheck) = (Add(stillPending, change), Min(recheck, again));
        }

        var found = await deadlines.ReadAsync(input.PurchaseId, ct);
        if (found is null) return new PurchaseObservation(false, PurchaseStates.Initialized, default, stillPending, recheck, []);
        var purchase = found.Purchase;
        var final = PurchaseStates.IsFinal(purchase.State);
        foreach (var change in input.Pending.Where(c => c.Nudge.Kind == Nudge.Cancel))
        {
            var now = time.GetUtcNow();
            if (!final && now < change.AnnouncedAt + CancelGrace)
                (stillPending, recheck) = (Add(stillPending, change), Min(recheck, RecheckSchedule.Next(change.AnnouncedAt, now, CancelGrace)));
        }
        var events = final ? await PendingEventsAsync(input.PurchaseId, ct) : [];
        return new PurchaseObservation(true, purchase.State, purchase.Deadline, stillPending, recheck, events, MoneyPlan.IsMoneyDue(purchase));
    }

    /// <summary>The nudges received plus the charges announced in storage, each authorization once.</summary>
    private async Task<List<PendingChange>> WithAnnouncedAsync(ObserveInput input, CancellationToken ct)
    {
        var changes = input.Pending.ToList();
        var known = changes.Select(c => c.Nudge.AuthorizationKey).OfType<string>().ToHashSet(StringComparer.Ordinal);
        await foreach (var row in purchases.QueryPartitionAsync<AnnouncementEntity>(input.PurchaseId, AnnouncementEntity.RowPrefix, ct))
            if (known.Add(row.AuthorizationKey)) changes.Add(new PendingChange(Nudge.ForCharge(row.AuthorizationKey), row.AnnouncedAt));
        return changes;
    }

    private async Task<List<string>> PendingEventsAsync(string purchaseId, CancellationToken ct)
    {
        var events = new List<string>();
        await foreach (var row in purchases.QueryPartitionAsync<EventEntity>(purchaseId, EventEntity.RowPrefix, ct))
            // purchase.refunded is delivered by its refund's own orchestration (MerchantRefund).
            if (row.Status == EventEntity.Pending && row.Type != Transitions.RefundedEvent) events.Add(row.EventId);
        return events;
    }

    private static List<PendingChange> Add(List<PendingChange> list, PendingChange change) => [.. list, change];

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
