using PledgFunctions.Email;
using PledgFunctions.Messages;
using PledgFunctions.Storage;

namespace PledgFunctions.Tests.Messages;

/// <summary>The contract's table of messages, as the pure plan every look of the orchestration runs.</summary>
public sealed class MessagePlanTests
{
    private static readonly DateTimeOffset PledgedAt = new(2026, 11, 22, 18, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan[] Reminders = [TimeSpan.FromDays(1), TimeSpan.FromHours(3)];

    private static (PurchaseEntity, List<ShareEntity>) Pledged(int pledgers = 2, bool notify = true)
    {
        var p = new PurchaseEntity
        {
            PartitionKey = "pur_0123456789abcdef0123456789abcdef", Amount = 9000, Currency = "EUR", OrganizerEmail = "alice@example.com",
            PledgedAt = PledgedAt, Deadline = PledgedAt + TimeSpan.FromDays(2), NotifyPledgers = notify, ShareCount = pledgers + 1, PaidShareCount = 1,
        };
        var shares = Enumerable.Range(0, pledgers + 1).Select(i => new ShareEntity
        {
            Index = i, RowKey = ShareEntity.RowKeyFor(i), Email = i == 0 ? "alice@example.com" : $"p{i}@example.com", Amount = 9000 / (pledgers + 1),
            State = i == 0 ? PurchaseStates.Succeeded : PurchaseStates.Initialized,
        }).ToList();
        return (p, shares);
    }

    private static IReadOnlyList<(string Kind, string To, string Status)> Summary(MessageChanges c) =>
        c.All.Select(m => (m.Kind, m.To, m.Status)).ToList();

    [Fact]
    public void AtThePledgeEachPledgerGetsTheirRequestTheOrganizerTheReceiptAndRemindersWait()
    {
        var (p, shares) = Pledged();
        var plan = MessagePlan.Reconcile(p, shares, Reminders, [], PledgedAt);

        Assert.Equal(
        [
            (MessageKinds.ShareRequest, "p1@example.com", MessageStatuses.Pending),
            (MessageKinds.ShareRequest, "p2@example.com", MessageStatuses.Pending),
            (MessageKinds.Receipt, "alice@example.com", MessageStatuses.Pending),
            (MessageKinds.Reminder, "p1@example.com", MessageStatuses.Scheduled),
            (MessageKinds.Reminder, "p2@example.com", MessageStatuses.Scheduled),
            (MessageKinds.Reminder, "p1@example.com", MessageStatuses.Scheduled),
            (MessageKinds.Reminder, "p2@example.com", MessageStatuses.Scheduled),
        ], Summary(plan));
        Assert.Equal([p.Deadline - TimeSpan.FromDays(1), p.Deadline - TimeSpan.FromHours(3)], plan.ReminderTimes);
        Assert.Equal(p.Deadline - TimeSpan.FromHours(3), plan.All[^1].ScheduledFor);
        Assert.Equal(9000, plan.All[2].Amount);
        Assert.Equal(3, plan.ToSend.Count());
        Assert.All(plan.All, m => Assert.Matches("^msg_[0-9a-f]{32}$", m.MessageId));
        Assert.Equal(plan.All.Count, plan.All.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public void NothingBeforeThePledgeNorWithNotifyPledgersOff()
    {
        var (p, shares) = Pledged(notify: false);
        Assert.Empty(MessagePlan.Reconcile(p, shares, Reminders, [], PledgedAt).All);
        var (q, _) = Pledged();
        q.PledgedAt = null;
        Assert.Empty(MessagePlan.Reconcile(q, [], Reminders, [], PledgedAt).All);
    }

    [Fact]
    public void AnOffsetAlreadyPastAtThePledgeIsSkipped()
    {
        var (p, shares) = Pledged(pledgers: 1);
        p.Deadline = PledgedAt + TimeSpan.FromHours(5);
        var plan = MessagePlan.Reconcile(p, shares, Reminders, [], PledgedAt);
        Assert.Single(plan.All, m => m.Kind == MessageKinds.Reminder);
        Assert.Equal([p.Deadline - TimeSpan.FromHours(3)], plan.ReminderTimes);
    }

    [Fact]
    public void APaidSharesRemindersAreCancelledAndTheOthersWaitForTheirTimer()
    {
        var (p, shares) = Pledged();
        var rows = MessagePlan.Reconcile(p, shares, Reminders, [], PledgedAt).All;
        shares[1].State = PurchaseStates.Succeeded;
        p.PaidShareCount = 2;

        var plan = MessagePlan.Reconcile(p, shares, Reminders, rows, p.Deadline - TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));

        var reminders = plan.All.Where(m => m.Kind == MessageKinds.Reminder).Select(m => (m.To, m.Status, m.ScheduledFor)).ToList();
        Assert.Equal(
        [
            ("p1@example.com", MessageStatuses.Cancelled, p.Deadline - TimeSpan.FromDays(1)),
            ("p2@example.com", MessageStatuses.Scheduled, p.Deadline - TimeSpan.FromDays(1)),
            ("p1@example.com", MessageStatuses.Cancelled, p.Deadline - TimeSpan.FromHours(3)),
            ("p2@example.com", MessageStatuses.Scheduled, p.Deadline - TimeSpan.FromHours(3)),
        ], reminders);
        Assert.Empty(plan.Added);
        Assert.Equal(2, plan.Updated.Count);
        Assert.DoesNotContain(plan.ToSend, m => m.Kind == MessageKinds.Reminder);
        // Past due, the first time is still listed: its timer fires at once and SendMessages sends it.
        Assert.Equal([p.Deadline - TimeSpan.FromDays(1), p.Deadline - TimeSpan.FromHours(3)], plan.ReminderTimes);
        var due = plan.All.Where(m => MessageChanges.IsDueReminder(m, p.Deadline - TimeSpan.FromDays(1))).Select(m => m.To);
        Assert.Equal(["p2@example.com"], due);
    }

    [Fact]
    public void SucceededGoesToEveryMemberAndWaitingRemindersAreCancelled()
    {
        var (p, shares) = Pledged();
        var rows = MessagePlan.Reconcile(p, shares, Reminders, [], PledgedAt).All;
        foreach (var s in shares) s.State = PurchaseStates.Succeeded;
        p.State = PurchaseStates.Succeeded;
        p.CompletedAt = PledgedAt + TimeSpan.FromHours(1);

        var plan = MessagePlan.Reconcile(p, shares, Reminders, rows, p.CompletedAt.Value);

        Assert.All(plan.All.Where(m => m.Kind == MessageKinds.Reminder), m => Assert.Equal(MessageStatuses.Cancelled, m.Status));
        Assert.Equal(["alice@example.com", "p1@example.com", "p2@example.com"],
            plan.All.Where(m => m.Kind == MessageKinds.Succeeded).Select(m => m.To));
        Assert.Empty(plan.ReminderTimes);
    }

    [Fact]
    public void FailedGoesToEveryMemberWhoPaidWithWhatTheyGetBack()
    {
        var (p, shares) = Pledged();
        shares[2].State = PurchaseStates.Succeeded; // p2 paid 3000; p1 did not
        p.State = PurchaseStates.Failed;
        p.FailureReason = FailureReasons.DeadlineExpired;
        p.CompletedAt = p.Deadline;

        var failed = MessagePlan.Reconcile(p, shares, Reminders, [], p.Deadline).All.Where(m => m.Kind == MessageKinds.Failed)
            .Select(m => (m.To, m.Amount)).ToList();

        // The organizer advanced 9000 and was reimbursed p2's 3000: 6000 comes back with the failure.
        Assert.Equal([("alice@example.com", 6000L), ("p2@example.com", 3000L)], failed);
    }

    [Fact]
    public void PlanningAgainChangesNothing()
    {
        var (p, shares) = Pledged();
        var first = MessagePlan.Reconcile(p, shares, Reminders, [], PledgedAt);
        var again = MessagePlan.Reconcile(p, shares, Reminders, first.All, PledgedAt + TimeSpan.FromMinutes(1));
        Assert.Empty(again.Added);
        Assert.Empty(again.Updated);
        Assert.Equal(first.All.Select(m => m.MessageId), again.All.Select(m => m.MessageId));
    }
}
