using Microsoft.DurableTask;
using PledgFunctions.Messages;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Lifecycle;

/// <param name="PurchaseId">The purchase, and the instance id.</param>
/// <param name="WebhookFirstRetry">The first delay of the merchant notification's retry policy.</param>
/// <param name="Deadline">The deadline the create is about to store: the instance starts before the
/// row lands, and does not give up on a row that lands late before this deadline has passed. Null
/// for instances started before it existed.</param>
/// <param name="Pending">The changes the generation before this one was still following (it
/// continued as new to keep its history short).</param>
/// <param name="EmailFirstRetry">The first delay of the email retry policy (null in instances started before 1.2: 30 s).</param>
public sealed record LifecycleInput(string PurchaseId, TimeSpan WebhookFirstRetry, DateTimeOffset? Deadline = null,
    IReadOnlyList<PendingChange>? Pending = null, TimeSpan? EmailFirstRetry = null);

/// <summary>The life of one purchase, as the rule it is (instance id = purchase id):
/// <list type="number">
/// <item>Until it is final, wait for whichever comes first: the deadline (durable timer), a nudge
/// (a request about to pledge, pay or cancel), or a re-check of a change that had not landed yet.</item>
/// <item>At the deadline, fail it (<see cref="FailPurchaseAtDeadline"/>); after a nudge, look at storage
/// (<see cref="ObservePurchase"/>), which also settles card authorizations. Storage decides every race
/// (ETag-conditioned transactions); this code only follows what storage says.</item>
/// <item>When each reminder is due (durable timers), send the reminders of the shares still unpaid.</item>
/// <item>As they come (the pledge, each payment, the final state, each reminder), deliver the merchant's
/// notifications (<see cref="NotifyMerchant"/>) and send the members' emails (<see cref="SendMessages"/>), each
/// an activity with a retry policy of 24 h and more, in flight beside the rule: never awaited by a decision.</item>
/// <item>Once final, stay a while for late nudges (a payment that lost the race to the deadline) so no
/// authorization is left open, then wait for the deliveries still retrying.</item>
/// </list>
/// Deterministic: time from the context only, every effect in an activity.</summary>
public sealed class PurchaseLifecycle : TaskOrchestrator<LifecycleInput, string>
{
    /// <summary>Longer than any request that read the purchase before it became final can take
    /// to nudge, authorize and settle (the charge grace of <see cref="ObservePurchase"/>).</summary>
    public static readonly TimeSpan LingerAfterFinal = TimeSpan.FromMinutes(3);

    /// <summary>A purchase row that has not landed this long after its orchestration started (and
    /// past the deadline it was started with) never will.</summary>
    public static readonly TimeSpan CreationGrace = TimeSpan.FromSeconds(30);

    /// <summary>The output of an instance whose purchase never landed.</summary>
    public const string Absent = "absent";

    /// <summary>A change still pending with no re-check time of its own is looked at again after this.</summary>
    private static readonly TimeSpan RecheckPending = TimeSpan.FromSeconds(5);

    /// <summary>Storage work is retried for about 15 minutes (1 s doubling to a minute, 20 tries);
    /// then the instance continues as new and tries again, so an outage only delays a decision and
    /// its history stays short (each retry adds four events). A permanent failure stops at once.</summary>
    public static readonly TaskOptions StorageRetry = ActivityRetries.Transient(20, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    /// <summary>Activity calls one generation makes before it continues as new (a flood of nudges,
    /// a long linger): its history, replayed at every episode, stays bounded.</summary>
    private const int LooksPerGeneration = 100;

    /// <summary>The output of a generation that continued as new.</summary>
    public const string Continued = "continued";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, LifecycleInput input)
    {
        var id = input.PurchaseId;
        var started = context.CurrentUtcDateTime;
        var pending = new List<PendingChange>(input.Pending ?? []);
        var looks = 0;
        // Look once before waiting, even though the create is about to insert the row: the Azure
        // Storage provider discards an event that reaches an instance before its start message was
        // processed (a worker that died or lost its lease while holding that message), so a pledge,
        // pay or cancel nudged in that window is only seen by this first look, which also settles
        // the authorizations announced in storage meanwhile (LifecycleSignals.NudgeAsync).
        var nudge = context.WaitForExternalEvent<Nudge>(Nudge.EventName);
        var deliveries = new Deliveries(context, input);
        if (await ObserveAsync(context, id, pending, firstLook: true) is not { } view || !await SettleMoneyAsync(context, view))
            return await ContinueAsNewAsync(context, input, pending, nudge);
        deliveries.Start(view);

        // One durable timer per due time, kept across waits: the Azure Storage provider cannot
        // withdraw a timer, so a timer created per wait would still fire (and cost an episode) later.
        var deadline = new Alarm(context);
        var recheck = new Alarm(context);
        var reminder = new Alarm(context);
        var reminders = new Reminders(view);

        while (view.State == PurchaseStates.Initialized)
        {
            if (++looks > LooksPerGeneration) return await ContinueAsNewAsync(context, input, pending, nudge);
            var due = view.Exists ? view.Deadline.UtcDateTime : Later(started + CreationGrace, input.Deadline);
            if (!view.Exists && context.CurrentUtcDateTime >= due) return Absent;
            var nudged = TakeNudges(context, ref nudge, pending);
            if (!nudged)
            {
                await Task.WhenAny(Waits(deadline.At(due), RecheckTimer(recheck, view, due), reminders.Timer(reminder, due), nudge));
                nudged = TakeNudges(context, ref nudge, pending);
                // A reminder's time: hand its reminders to SendMessages, which cancels those whose share
                // was paid meanwhile. No look first: one engine round trip less per reminder.
                if (!nudged && reminders.TakeDue(context.CurrentUtcDateTime, due) is { } remindAt)
                {
                    deliveries.Remind(remindAt);
                    continue;
                }
            }
            var next = !nudged && view.Exists && context.CurrentUtcDateTime >= view.Deadline
                ? await TryAsync(context, nameof(FailPurchaseAtDeadline), new ObserveInput(id, pending, Seen: view.Seen))
                : await ObserveAsync(context, id, pending, seen: view.Seen);
            if (next is null) return await ContinueAsNewAsync(context, input, pending, nudge);
            view = next;
            reminders.Follow(view);
            pending = [.. view.StillPending];
            if (!await SettleMoneyAsync(context, view)) return await ContinueAsNewAsync(context, input, pending, nudge);
            // After the decision and the refunds it implies: a purchase.failed never precedes its refunds.
            deliveries.Start(view);
        }

        // Events to retry come only from histories whose observation made the first attempt itself.
        deliveries.Retry(view.EventsToRetry ?? []);

        // Late nudges: a request that read the purchase just before it became final may still be
        // authorizing a card; settle every such authorization before the instance ends. It ends only
        // with no change pending and no nudge received but not yet looked at.
        var linger = context.CreateTimer(context.CurrentUtcDateTime + LingerAfterFinal, CancellationToken.None);
        while (true)
        {
            if (!TakeNudges(context, ref nudge, pending))
            {
                if (pending.Count == 0 && linger.IsCompleted) break;
                // Without a re-check time of its own, keep the one already set: a new due time per pass would be a new timer per pass.
                var checkAt = view.RecheckAt?.UtcDateTime ?? recheck.PendingDue ?? context.CurrentUtcDateTime + RecheckPending;
                await Task.WhenAny(Waits(pending.Count == 0 ? linger : recheck.At(checkAt), nudge));
                if (!TakeNudges(context, ref nudge, pending) && pending.Count == 0) continue;
            }
            var next = ++looks > LooksPerGeneration ? null : await ObserveAsync(context, id, pending, lingering: true, seen: view.Seen);
            if (next is null) return await ContinueAsNewAsync(context, input, pending, nudge);
            view = next;
            pending = [.. view.StillPending];
            if (!await SettleMoneyAsync(context, view)) return await ContinueAsNewAsync(context, input, pending, nudge);
            deliveries.Start(view);
        }

        await deliveries.AllAsync();
        return view.State;
    }

    /// <summary>The reminder times still to come, as the last look that read the messages listed them
    /// (a look that did not read them keeps the list), less those already handed to SendMessages.</summary>
    private sealed class Reminders
    {
        private readonly HashSet<DateTime> _started = [];
        private List<DateTime> _times = [];

        public Reminders(PurchaseObservation view) => Follow(view);

        public void Follow(PurchaseObservation view)
        {
            if (view.ReminderTimes is { } times) _times = [.. times.Select(t => t.UtcDateTime).Where(t => !_started.Contains(t)).Order()];
        }

        /// <summary>The timer of the next reminder, if it falls before the deadline (which fails the purchase instead).</summary>
        public Task? Timer(Alarm alarm, DateTime deadline) => _times is [var next, ..] && next < deadline ? alarm.At(next) : null;

        /// <summary>The reminder time that is due now, taken off the list; null if none is.</summary>
        public DateTime? TakeDue(DateTime now, DateTime deadline)
        {
            if (_times is not [var next, ..] || next >= deadline || now < next - Messages.MessagePlan.DueTolerance) return null;
            _times.RemoveAt(0);
            _started.Add(next);
            return next;
        }
    }

    /// <summary>Every nudge received so far, not just the first: the engine buffers events that
    /// arrive while the orchestration is in an activity, and handling one per observation let a
    /// backlog of nudges outlive the linger (the kill -9 fault suite found authorizations whose
    /// nudges were received, buffered and never looked at). A redelivered copy of a charge nudge
    /// still pending is not added twice (settling one again later is a no-op). Deterministic: what
    /// is buffered at this point is what the history has delivered.</summary>
    private static bool TakeNudges(TaskOrchestrationContext context, ref Task<Nudge> nudge, List<PendingChange> pending)
    {
        var took = false;
        while (nudge.IsCompleted)
        {
            var received = nudge.Result;
            if (received.Kind != Nudge.Charge || !pending.Exists(p => p.Nudge == received))
                pending.Add(new PendingChange(received, context.CurrentUtcDateTime));
            took = true;
            nudge = context.WaitForExternalEvent<Nudge>(Nudge.EventName);
        }
        return took;
    }

    private static Task? RecheckTimer(Alarm recheck, PurchaseObservation view, DateTime due) =>
        view.RecheckAt is { } at && at.UtcDateTime < due ? recheck.At(at.UtcDateTime) : null;

    private static Task[] Waits(params Task?[] tasks) => [.. tasks.OfType<Task>()];

    private static DateTime Later(DateTime a, DateTimeOffset? b) => b is { } x && x.UtcDateTime > a ? x.UtcDateTime : a;

    /// <summary>Null when storage stayed unavailable through the retry policy: the caller continues as new.</summary>
    private static Task<PurchaseObservation?> ObserveAsync(TaskOrchestrationContext context, string id, List<PendingChange> pending,
        bool firstLook = false, bool lingering = false, string? seen = null) =>
        TryAsync(context, nameof(ObservePurchase), new ObserveInput(id, pending, firstLook, lingering, seen));

    private static async Task<PurchaseObservation?> TryAsync(TaskOrchestrationContext context, string activity, ObserveInput input)
    {
        try
        {
            return await context.CallActivityAsync<PurchaseObservation>(activity, input, StorageRetry);
        }
        catch (TaskFailedException e) when (!ActivityRetries.IsPermanent(e.FailureDetails))
        {
            return null;
        }
    }

    /// <summary>A new generation of this instance with what this one still follows. Nudges received
    /// are carried in <see cref="LifecycleInput.Pending"/>, those not yet received stay queued for the
    /// new generation (preserveUnprocessedEvents). Deliveries still retrying are not awaited (a
    /// decision or a refund must not wait a day for a merchant endpoint or a mail server): the engine
    /// drops a result addressed to an ended generation (its execution id no longer matches), and the
    /// new generation's first look lists the events and messages still pending and starts them again.</summary>
    private static Task<string> ContinueAsNewAsync(TaskOrchestrationContext context, LifecycleInput input, List<PendingChange> pending, Task<Nudge> nudge)
    {
        TakeNudges(context, ref nudge, pending);
        context.ContinueAsNew(input with { Pending = pending }, preserveUnprocessedEvents: true);
        return Task.FromResult(Continued);
    }

    /// <summary>The notifications and emails this generation has started, each once, in flight beside the rule.</summary>
    private sealed class Deliveries(TaskOrchestrationContext context, LifecycleInput input)
    {
        private readonly HashSet<string> _started = new(StringComparer.Ordinal);
        private readonly List<Task> _inFlight = [];

        public void Start(PurchaseObservation view)
        {
            foreach (var eventId in view.EventsToDeliver.Where(_started.Add))
                _inFlight.Add(NotifyAsync(context, input.PurchaseId, eventId, input.WebhookFirstRetry));
            // The messages one look found due go in one activity (one engine round trip for all of them).
            if ((view.MessagesToSend ?? []).Where(_started.Add).ToList() is { Count: > 0 } due)
                _inFlight.Add(SendAsync(context, new SendInput(input.PurchaseId, due), input.EmailFirstRetry ?? DefaultEmailFirstRetry));
        }

        /// <summary>The reminders due at <paramref name="at"/>, in one SendMessages.</summary>
        public void Remind(DateTime at)
        {
            if (_started.Add($"reminders@{at:O}"))
                _inFlight.Add(SendAsync(context, new SendInput(input.PurchaseId, [], new DateTimeOffset(at, TimeSpan.Zero)), input.EmailFirstRetry ?? DefaultEmailFirstRetry));
        }

        public void Retry(IEnumerable<string> eventIds)
        {
            foreach (var eventId in eventIds.Where(_started.Add))
                _inFlight.Add(RetryNotifyAsync(context, input.PurchaseId, eventId, input.WebhookFirstRetry));
        }

        public Task AllAsync() => Task.WhenAll(_inFlight);
    }

    private static readonly TimeSpan DefaultEmailFirstRetry = TimeSpan.FromSeconds(30);

    private static async Task NotifyAsync(TaskOrchestrationContext context, string id, string eventId, TimeSpan firstRetry)
    {
        try
        {
            await context.CallActivityAsync(nameof(NotifyMerchant), new NotifyInput(id, eventId, context.CurrentUtcDateTime), RetrySchedule.Policy(firstRetry));
        }
        catch (TaskFailedException e) when (ActivityRetries.IsPermanent(e.FailureDetails))
        {
            ReportPermanent(context, nameof(NotifyMerchant), e);
        }
    }

    /// <summary>The same schedule as the webhooks' (first delay doubled, capped at an hour); the
    /// activity ends the retries itself a day after the message was due, or at once when the server
    /// refuses it for good.</summary>
    private static async Task SendAsync(TaskOrchestrationContext context, SendInput messages, TimeSpan firstRetry)
    {
        try
        {
            await context.CallActivityAsync(nameof(SendMessages), messages, RetrySchedule.Policy(firstRetry));
        }
        catch (TaskFailedException e) when (ActivityRetries.IsPermanent(e.FailureDetails))
        {
            ReportPermanent(context, nameof(SendMessages), e);
        }
    }

    /// <summary>A bug, not an outage: the log event names the purchase and the failure for an
    /// operator (no secret is in an activity's failure), the metric counts it, once per execution.</summary>
    private static void ReportPermanent(TaskOrchestrationContext context, string activity, TaskFailedException e)
    {
        if (!context.IsReplaying) PledgMetrics.TaskFailed(activity);
        context.CreateReplaySafeLogger<PurchaseLifecycle>().LogError("{Activity} of {PurchaseId} stopped on a permanent failure, not retried: {ErrorType}: {Error}",
            activity, context.InstanceId, e.FailureDetails.ErrorType, e.FailureDetails.ErrorMessage);
    }

    /// <summary>After a failed first attempt: the first retry delay, then the schedule from its second step.</summary>
    private static async Task RetryNotifyAsync(TaskOrchestrationContext context, string id, string eventId, TimeSpan firstRetry)
    {
        var retryFrom = context.CurrentUtcDateTime;
        await context.CreateTimer(retryFrom + firstRetry, CancellationToken.None);
        await context.CallActivityAsync(nameof(NotifyMerchant), new NotifyInput(id, eventId, retryFrom), RetrySchedule.Policy(2 * firstRetry));
    }

    /// <summary>Reimbursements as shares are paid, refunds once FAILED: made before anything is
    /// notified, so a purchase.failed event never precedes the refunds it implies. While the purchase
    /// is open a settlement that keeps failing must not hold up its deadline: it gives up after a few
    /// tries and the next observation tries again; once final it is retried until it goes through
    /// (false: not yet, the caller continues as new and tries again). A refund the gateway refuses
    /// for good is recorded failed by the activity; a permanent failure of the activity itself is
    /// reported and not retried.</summary>
    private static async Task<bool> SettleMoneyAsync(TaskOrchestrationContext context, PurchaseObservation view)
    {
        if (!view.MoneyDue) return true;
        var final = PurchaseStates.IsFinal(view.State);
        try
        {
            await context.CallActivityAsync<MoneySettlement>(nameof(SettleMoney), context.InstanceId, final ? SettleMoney.Retry : SettleMoney.RetryWhileOpen);
        }
        catch (TaskFailedException e) when (ActivityRetries.IsPermanent(e.FailureDetails))
        {
            ReportPermanent(context, nameof(SettleMoney), e);
        }
        catch (TaskFailedException)
        {
            return !final;
        }
        return true;
    }

    /// <summary>A durable timer for a due time, created again only when the time changes or the
    /// timer has fired (timers can fire up to a second early: the queue rounds visibility to whole
    /// seconds). Never set in the past, which would spin.</summary>
    private sealed class Alarm(TaskOrchestrationContext context)
    {
        private Task? _timer;
        private DateTime _due;

        /// <summary>The due time of the timer still waiting, if any.</summary>
        public DateTime? PendingDue => _timer is { IsCompleted: false } ? _due : null;

        public Task At(DateTime due)
        {
            if (_timer is not null && !_timer.IsCompleted && due == _due) return _timer;
            var floor = context.CurrentUtcDateTime.AddMilliseconds(200);
            (_timer, _due) = (context.CreateTimer(due > floor ? due : floor, CancellationToken.None), due);
            return _timer;
        }
    }
}
