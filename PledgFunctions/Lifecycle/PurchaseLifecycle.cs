using Microsoft.DurableTask;
using PledgFunctions.Storage;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Lifecycle;

public sealed record LifecycleInput(string PurchaseId, TimeSpan WebhookFirstRetry);

/// <summary>The life of one purchase, as the rule it is (instance id = purchase id):
/// <list type="number">
/// <item>Until it is final, wait for whichever comes first: the deadline (durable timer), a nudge
/// (a request about to pledge, pay or cancel), or a re-check of a change that had not landed yet.</item>
/// <item>At the deadline, fail it (<see cref="FailPurchaseAtDeadline"/>); after a nudge, look at storage
/// (<see cref="ObservePurchase"/>), which also settles card authorizations. Storage decides every race
/// (ETag-conditioned transactions); this code only follows what storage says.</item>
/// <item>Once final, deliver the merchant's notification with a retry policy of 24 h and more, and
/// stay a while for late nudges (a payment that lost the race to the deadline) so no authorization
/// is left open.</item>
/// </list>
/// Deterministic: time from the context only, every effect in an activity.</summary>
public sealed class PurchaseLifecycle : TaskOrchestrator<LifecycleInput, string>
{
    /// <summary>Longer than any request that read the purchase before it became final can take
    /// to nudge, authorize and settle (the charge grace of <see cref="ObservePurchase"/>).</summary>
    public static readonly TimeSpan LingerAfterFinal = TimeSpan.FromMinutes(3);

    /// <summary>A purchase row that has not landed this long after its orchestration started never will.</summary>
    public static readonly TimeSpan CreationGrace = TimeSpan.FromSeconds(30);

    /// <summary>Storage work is retried until storage answers again: an outage only delays a decision.</summary>
    private static readonly TaskOptions StorageRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: int.MaxValue, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromMinutes(1)));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, LifecycleInput input)
    {
        var id = input.PurchaseId;
        var started = context.CurrentUtcDateTime;
        var pending = new List<PendingChange>();
        var view = await ObserveAsync(context, id, pending);
        await SettleMoneyAsync(context, view);

        while (view.State == PurchaseStates.Initialized)
        {
            if (!view.Exists && context.CurrentUtcDateTime - started > CreationGrace) return "absent";
            var wake = Earliest(view.Exists ? view.Deadline : started + CreationGrace, view.RecheckAt, context.CurrentUtcDateTime);
            var woke = await NextAsync(context, wake);
            if (woke is Nudge nudge) pending.Add(new PendingChange(nudge, context.CurrentUtcDateTime));
            view = woke is null && view.Exists && context.CurrentUtcDateTime >= view.Deadline
                ? await context.CallActivityAsync<PurchaseObservation>(nameof(FailPurchaseAtDeadline), new ObserveInput(id, pending), StorageRetry)
                : await ObserveAsync(context, id, pending);
            pending = [.. view.StillPending];
            await SettleMoneyAsync(context, view);
        }

        var notifications = view.EventsToDeliver.Select(eventId => context.CallActivityAsync(nameof(NotifyMerchant),
            new NotifyInput(id, eventId, context.CurrentUtcDateTime), RetrySchedule.Policy(input.WebhookFirstRetry))).ToList();

        // Late nudges: a request that read the purchase just before it became final may still be
        // authorizing a card; settle every such authorization before the instance ends.
        var lingerUntil = context.CurrentUtcDateTime + LingerAfterFinal;
        while (pending.Count > 0 || context.CurrentUtcDateTime < lingerUntil)
        {
            var woke = await NextAsync(context, Earliest(lingerUntil, view.RecheckAt, context.CurrentUtcDateTime));
            if (woke is Nudge nudge) pending.Add(new PendingChange(nudge, context.CurrentUtcDateTime));
            else if (pending.Count == 0) break;
            view = await ObserveAsync(context, id, pending);
            pending = [.. view.StillPending];
            await SettleMoneyAsync(context, view);
        }

        await Task.WhenAll(notifications);
        return view.State;
    }

    private static Task<PurchaseObservation> ObserveAsync(TaskOrchestrationContext context, string id, List<PendingChange> pending) =>
        context.CallActivityAsync<PurchaseObservation>(nameof(ObservePurchase), new ObserveInput(id, pending), StorageRetry);

    /// <summary>Reimbursements as shares are paid, refunds once FAILED: made before anything is
    /// notified, so a purchase.failed event never precedes the refunds it implies. While the purchase
    /// is open a settlement that keeps failing must not hold up its deadline: it gives up after a few
    /// tries and the next observation tries again; once final it is retried until it goes through.</summary>
    private static async Task SettleMoneyAsync(TaskOrchestrationContext context, PurchaseObservation view)
    {
        if (!view.MoneyDue) return;
        if (PurchaseStates.IsFinal(view.State))
        {
            await context.CallActivityAsync<MoneySettlement>(nameof(SettleMoney), context.InstanceId, SettleMoney.Retry);
            return;
        }
        try
        {
            await context.CallActivityAsync<MoneySettlement>(nameof(SettleMoney), context.InstanceId, SettleMoney.RetryWhileOpen);
        }
        catch (TaskFailedException) { }
    }

    /// <summary>The next nudge, or null when <paramref name="wake"/> comes first. The losing timer is
    /// cancelled so the instance does not wait for it.</summary>
    private static async Task<Nudge?> NextAsync(TaskOrchestrationContext context, DateTime wake)
    {
        using var cancel = new CancellationTokenSource();
        var timer = context.CreateTimer(wake, cancel.Token);
        var nudge = context.WaitForExternalEvent<Nudge>(Nudge.EventName, cancel.Token);
        var first = await Task.WhenAny(timer, nudge);
        cancel.Cancel();
        return first == nudge ? await nudge : null;
    }

    /// <summary>Durable timers can fire up to a second early (the queue rounds visibility to whole
    /// seconds): never ask for a wake-up in the past, which would spin.</summary>
    private static DateTime Earliest(DateTimeOffset due, DateTimeOffset? recheck, DateTime now)
    {
        var wake = recheck is { } r && r < due ? r : due;
        var floor = now.AddMilliseconds(200);
        return wake.UtcDateTime > floor ? wake.UtcDateTime : floor;
    }
}
