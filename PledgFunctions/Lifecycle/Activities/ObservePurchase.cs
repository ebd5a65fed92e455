using Azure.Data.Tables;
using Microsoft.DurableTask;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Lifecycle;

/// <param name="PurchaseId">The purchase, and the instance id.</param>
/// <param name="Pending">The nudges received and not yet seen settled.</param>
/// <param name="FirstLook">The instance's first observation: it also follows the charges and cancels
/// announced in storage while the instance had not started (<see cref="AnnouncementEntity"/>).</param>
/// <param name="Lingering">The orchestration already knows the purchase is final and has taken its
/// notifications over: this look makes no delivery attempt of its own.</param>
public sealed record ObserveInput(string PurchaseId, IReadOnlyList<PendingChange> Pending, bool FirstLook = false, bool Lingering = false);

/// <summary>What storage says about a purchase, for its orchestration to follow.</summary>
/// <param name="Exists">The purchase row is there (false: not landed yet, or never will).</param>
/// <param name="State">Its state, the deadline enforced as a read enforces it.</param>
/// <param name="Deadline">Its deadline as stored (a pledge moves it).</param>
/// <param name="StillPending">The nudged changes not seen landed or settled yet.</param>
/// <param name="RecheckAt">When to look at them again.</param>
/// <param name="EventsToDeliver">Notifications of a final purchase this look did not attempt (already
/// retrying, or storage trouble): the orchestration delivers them.</param>
/// <param name="MoneyDue">Refunds the state calls for are still to be made: the orchestration makes them.</param>
/// <param name="EventsToRetry">Notifications whose first attempt, made by this observation, failed: the
/// orchestration tries again after the first retry delay.</param>
public sealed record PurchaseObservation(
    bool Exists, string State, DateTimeOffset Deadline,
    IReadOnlyList<PendingChange> StillPending, DateTimeOffset? RecheckAt, IReadOnlyList<string> EventsToDeliver, bool MoneyDue = false,
    IReadOnlyList<string>? EventsToRetry = null);

/// <summary>Reads the purchase (enforcing its deadline, like every read), settles the card
/// authorizations the orchestration was nudged about, and says which changes have not landed yet
/// and when to look again. Makes the first try of what follows (the refunds the state calls for,
/// then each notification's first attempt) itself: each activity the orchestration calls costs the
/// engine a work-item message, a result message and an episode (about 14 storage calls on Azure
/// Storage, docs/benchmarks.md), and these usually succeed at once. What fails is left to the
/// orchestration's activities and their retry policies. Idempotent: every effect is conditioned on
/// what storage holds.</summary>
public sealed class ObservePurchase(DeadlineEnforcer deadlines, ChargeSettlement charges, SettleMoney money, NotifyMerchant notify,
    PurchaseTable purchases, TimeProvider time, ILogger<ObservePurchase> logger)
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
        if (!final || input.Lingering) return new PurchaseObservation(true, purchase.State, purchase.Deadline, stillPending, recheck, [], moneyDue);

        // Events are written only with a notificationUrl, which cannot change once pledged: without
        // one there is nothing to read (one range query less at every final look, the deadline's included).
        var events = string.IsNullOrEmpty(purchase.NotificationUrl) ? [] : await PendingEventsAsync(input.PurchaseId, ct);
        // A purchase.failed must not precede the refunds it implies: no attempt while money is due.
        var (toDeliver, toRetry) = moneyDue ? (events.Select(e => e.EventId).ToList(), []) : await FirstAttemptsAsync(input.PurchaseId, events, ct);
        return new PurchaseObservation(true, purchase.State, purchase.Deadline, stillPending, recheck, toDeliver, moneyDue, toRetry);
    }

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

    /// <summary>The first attempt of each notification never attempted; the others (a redelivery's,
    /// or retries already scheduled) stay with the orchestration's <see cref="NotifyMerchant"/> activity.</summary>
    private async Task<(List<string> ToDeliver, List<string> ToRetry)> FirstAttemptsAsync(string purchaseId, List<EventEntity> events, CancellationToken ct)
    {
        var (toDeliver, toRetry) = (new List<string>(), new List<string>());
        foreach (var evt in events)
        {
            if (evt.Attempts > 0)
            {
                toDeliver.Add(evt.EventId);
                continue;
            }
            try
            {
                await notify.DeliverAsync(new NotifyInput(purchaseId, evt.EventId, time.GetUtcNow()), ct);
            }
            catch (WebhookNotDeliveredException)
            {
                toRetry.Add(evt.EventId);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Storage trouble: whether the attempt was recorded is unknown; the activity reads the row again.
                logger.LogWarning(e, "Notification {EventId} of {PurchaseId} not attempted by its observation", evt.EventId, purchaseId);
                toDeliver.Add(evt.EventId);
            }
        }
        return (toDeliver, toRetry);
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
