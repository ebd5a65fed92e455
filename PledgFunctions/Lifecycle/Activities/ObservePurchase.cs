using Azure.Data.Tables;
using Microsoft.DurableTask;
using PledgFunctions.Messages;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <param name="PurchaseId">The purchase, and the instance id.</param>
/// <param name="Pending">The nudges received and not yet seen settled.</param>
/// <param name="FirstLook">The instance's first observation: it also follows the charges and cancels
/// announced in storage while the instance had not started (<see cref="AnnouncementEntity"/>).</param>
/// <param name="Lingering">The orchestration already knows the purchase is final (kept for histories recorded before <paramref name="Seen"/>).</param>
/// <param name="Seen">What the orchestration's last look saw of the purchase (<see cref="PurchaseObservation.Seen"/>):
/// notifications and messages are looked at again only when it changed (a pledge, a payment, the final state).</param>
public sealed record ObserveInput(string PurchaseId, IReadOnlyList<PendingChange> Pending, bool FirstLook = false, bool Lingering = false,
    string? Seen = null);

/// <summary>What storage says about a purchase, for its orchestration to follow.</summary>
/// <param name="Exists">The purchase row is there (false: not landed yet, or never will).</param>
/// <param name="State">Its state, the deadline enforced as a read enforces it.</param>
/// <param name="Deadline">Its deadline as stored (a pledge moves it).</param>
/// <param name="StillPending">The nudged changes not seen landed or settled yet.</param>
/// <param name="RecheckAt">When to look at them again.</param>
/// <param name="EventsToDeliver">Notifications of a final purchase still to deliver: the orchestration
/// delivers them, once the money is settled (a purchase.failed never precedes its refunds).</param>
/// <param name="MoneyDue">Refunds the state calls for are still to be made: the orchestration makes them.</param>
/// <param name="EventsToRetry">Only in histories recorded when the observation made each notification's
/// first attempt (those whose attempt failed): kept so that such instances replay.</param>
/// <param name="MessagesToSend">The emails due and not sent yet (message row keys).</param>
/// <param name="ReminderTimes">When the reminders still scheduled are due (null: the messages were not looked at).</param>
/// <param name="Seen">What this look saw (pledge, paid shares, state), for the next look's <see cref="ObserveInput.Seen"/>;
/// null when the notifications and messages could not be looked at (the next look tries again).</param>
public sealed record PurchaseObservation(
    bool Exists, string State, DateTimeOffset Deadline,
    IReadOnlyList<PendingChange> StillPending, DateTimeOffset? RecheckAt, IReadOnlyList<string> EventsToDeliver, bool MoneyDue = false,
    IReadOnlyList<string>? EventsToRetry = null, IReadOnlyList<string>? MessagesToSend = null, IReadOnlyList<DateTimeOffset>? ReminderTimes = null,
    string? Seen = null);

/// <summary>Reads the purchase (enforcing its deadline, like every read), settles the card
/// authorizations the orchestration was nudged about, and says which changes have not landed yet
/// and when to look again. Makes the first try of the refunds the state calls for itself: each
/// activity the orchestration calls costs the engine a work-item message, a result message and an
/// episode (about 14 storage calls on Azure Storage, docs/benchmarks.md), and these usually succeed
/// at once; what fails is left to the orchestration's <see cref="SettleMoney"/>. Never a webhook: a
/// merchant endpoint that hangs would hold this activity's slot, which deadlines and settlements
/// need (the orchestration calls <see cref="Webhooks.NotifyMerchant"/>). Idempotent: every effect is
/// conditioned on what storage holds.</summary>
public sealed class ObservePurchase(DeadlineEnforcer deadlines, ChargeSettlement charges, SettleMoney money, PurchaseTable purchases, MessageBook messages,
    TimeProvider time, ILogger<ObservePurchase> logger)
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
        var found = await deadlines.ReadAsync(input.PurchaseId, ct);
        var settledUnseen = false;
        foreach (var change in changes.Where(c => c.Nudge.Kind == Nudge.Charge))
        {
            // Usually the commit has landed and the share it paid carries the authorization's key:
            // only its capture is left to make sure of.
            var key = change.Nudge.AuthorizationKey!;
            if (found?.Shares.FirstOrDefault(s => s.AuthorizationKey == key) is { ChargeId: { } committed })
            {
                await charges.CaptureCommittedAsync(committed, ct);
                continue;
            }
            if (await charges.SettleAsync(input.PurchaseId, key, change.AnnouncedAt, ct) is { } again)
                (stillPending, recheck) = (Add(stillPending, change), Min(recheck, again));
            else settledUnseen = true;
        }
        // Settled from storage after the read: its commit may have landed since, read what it changed.
        if (settledUnseen) found = await deadlines.ReadAsync(input.PurchaseId, ct);
        if (found is null) return new PurchaseObservation(false, PurchaseStates.Initialized, default, stillPending, recheck, []);
        var purchase = found.Purchase;
        var final = PurchaseStates.IsFinal(purchase.State);
        foreach (var change in changes.Where(c => c.Nudge.Kind == Nudge.Cancel))
        {
            var now = time.GetUtcNow();
            if (!final && now < change.AnnouncedAt + CancelGrace)
                (stillPending, recheck) = (Add(stillPending, change), Min(recheck, RecheckSchedule.Next(change.AnnouncedAt, now, CancelGrace)));
        }
        var moneyDue = MoneyPlan.IsMoneyDue(purchase) && !await TrySettleMoneyAsync(found, ct);
        if (final && stillPending.Count == 0) await DeleteAnnouncementsAsync(input.PurchaseId, ct);
        var observed = new PurchaseObservation(true, purchase.State, purchase.Deadline, stillPending, recheck, [], moneyDue);

        // Events and messages come with a pledge, a payment or the final state, all of which change
        // what is seen: a look that sees nothing new reads neither (two range queries less per look).
        var seen = Seen(purchase);
        if (seen == input.Seen) return observed with { Seen = seen };
        try
        {
            // Events are written only with a notificationUrl, which cannot change once pledged.
            var events = string.IsNullOrEmpty(purchase.NotificationUrl) || (purchase.PledgedAt is null && !final)
                ? [] : await PendingEventsAsync(input.PurchaseId, ct);
            var planned = await messages.ReconcileAsync(found, ct);
            return observed with
            {
                EventsToDeliver = events.Select(e => e.EventId).ToList(),
                MessagesToSend = planned?.ToSend.Select(m => m.RowKey).ToList() ?? [],
                ReminderTimes = planned?.ReminderTimes ?? [],
                Seen = seen,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Never at the cost of the decision this look made: the next look tries again.
            logger.LogWarning(e, "Notifications and messages of {PurchaseId} not looked at; the next look tries again", input.PurchaseId);
            return observed;
        }
    }

    private static string Seen(PurchaseEntity p) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.PledgedAt?.UtcTicks}|{p.PaidShareCount}|{p.State}");

    /// <summary>One try, from the purchase this look has just read; on failure the orchestration's
    /// <see cref="SettleMoney"/> activity takes over.</summary>
    private async Task<bool> TrySettleMoneyAsync(PurchaseWithShares found, CancellationToken ct)
    {
        var purchaseId = found.Purchase.PartitionKey;
        try
        {
            await money.MakeRefundsAsync(found, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Refunds of {PurchaseId} not made by its observation; its orchestration retries them", purchaseId);
            return false;
        }
    }

    /// <summary>Once the purchase is final with nothing left to settle, its announcements have all
    /// been followed: the first look read those written before it, and one written after was also
    /// raised to the started instance, which keeps its events. Without this every pledge made in
    /// its purchase's first minute left a row behind. Best effort: a row left here costs storage,
    /// not money, and must not hold up the notifications.</summary>
    private async Task DeleteAnnouncementsAsync(string purchaseId, CancellationToken ct)
    {
        try
        {
            var rows = new List<ITableEntity>();
            await foreach (var row in purchases.QueryPartitionAsync<AnnouncementEntity>(purchaseId, AnnouncementEntity.RowPrefix, ct)) rows.Add(row);
            await purchases.DeleteAsync(rows, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Announcements of {PurchaseId} not deleted", purchaseId);
        }
    }

    /// <summary>The nudges received plus those announced in storage, each authorization once.</summary>
    private async Task<List<PendingChange>> WithAnnouncedAsync(ObserveInput input, CancellationToken ct)
    {
        var changes = input.Pending.ToList();
        var known = changes.Select(c => c.Nudge.AuthorizationKey).OfType<string>().ToHashSet(StringComparer.Ordinal);
        await foreach (var row in purchases.QueryPartitionAsync<AnnouncementEntity>(input.PurchaseId, AnnouncementEntity.RowPrefix, ct))
        {
            if (row.Kind == Nudge.Cancel) changes.Add(new PendingChange(Nudge.ForCancel(), row.AnnouncedAt));
            else if (known.Add(row.AuthorizationKey)) changes.Add(new PendingChange(Nudge.ForCharge(row.AuthorizationKey), row.AnnouncedAt));
        }
        return changes;
    }

    private async Task<List<EventEntity>> PendingEventsAsync(string purchaseId, CancellationToken ct)
    {
        var events = new List<EventEntity>();
        await foreach (var row in purchases.QueryPartitionAsync<EventEntity>(purchaseId, EventEntity.RowPrefix, ct))
            // purchase.refunded is delivered by its refund's own orchestration (MerchantRefund).
            if (row.Status == EventEntity.Pending && row.Type != Transitions.RefundedEvent) events.Add(row);
        return events;
    }

    private static List<PendingChange> Add(List<PendingChange> list, PendingChange change) => [.. list, change];

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
