using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PledgFunctions.Email;
using PledgFunctions.Storage;

namespace PledgFunctions.Messages;

/// <summary>Which messages a purchase calls for right now, as the contract's table says, and what
/// becomes of those already planned: pure, so the purchase's orchestration can run it at every look
/// and after any crash and land on the same rows.
/// <list type="bullet">
/// <item>Nothing before the pledge, nothing at all with <c>notifyPledgers: false</c>.</item>
/// <item>At the pledge: a share request to each pledger, the receipt to the organizer, and a
/// reminder per pledger per offset whose due time is after the pledge (scheduled).</item>
/// <item>A reminder is cancelled once its share is paid or the purchase final; when due, the
/// orchestration's timer hands it to <see cref="SendMessages"/> (not a look: one engine round trip less each).</item>
/// <item>Once final: succeeded to every member, or failed to every member who paid, with what they get back.</item>
/// </list></summary>
public static class MessagePlan
{
    /// <summary>A durable timer may fire up to a second early (queue visibility is whole seconds):
    /// a reminder this close to its due time is due.</summary>
    public static readonly TimeSpan DueTolerance = TimeSpan.FromSeconds(2);

    public static MessageChanges Reconcile(PurchaseEntity p, IReadOnlyList<ShareEntity> shares, IReadOnlyList<TimeSpan> reminders,
        IReadOnlyList<MessageEntity> existing, DateTimeOffset now)
    {
        var rows = existing.ToDictionary(m => m.RowKey, StringComparer.Ordinal);
        var added = new List<MessageEntity>();
        var updated = new List<MessageEntity>();
        if (!p.NotifyPledgers || p.PledgedAt is not { } pledgedAt || shares.Count == 0) return new(added, updated, Ordered(rows));
        var final = PurchaseStates.IsFinal(p.State);
        var pledgers = shares.Where(s => s.Index > 0).ToList();

        void Plan(string rowKey, string kind, ShareEntity member, long amount, DateTimeOffset scheduledFor, string status)
        {
            if (rows.ContainsKey(rowKey)) return;
            var row = new MessageEntity
            {
                PartitionKey = p.PartitionKey, RowKey = rowKey, MessageId = IdFor(p.PartitionKey, rowKey), Kind = kind, To = member.Email,
                ShareIndex = member.Index, Amount = amount, ScheduledFor = scheduledFor, Status = status,
            };
            rows[rowKey] = row;
            added.Add(row);
        }

        foreach (var share in pledgers)
            Plan(RowKey(1, share.Index), MessageKinds.ShareRequest, share, share.Amount, pledgedAt, MessageStatuses.Pending);
        Plan(RowKey(2, 0), MessageKinds.Receipt, shares[0], p.Amount, pledgedAt, MessageStatuses.Pending);

        // By due time: the earliest reminder first, as the list shows them.
        var dues = reminders.Where(o => o > TimeSpan.Zero).Distinct().Select(o => p.Deadline - o).Where(due => due > pledgedAt).Order().ToList();
        for (var rank = 0; rank < dues.Count; rank++)
            foreach (var share in pledgers)
                Plan(RowKey(3, rank, share.Index), MessageKinds.Reminder, share, share.Amount, dues[rank],
                    final || share.State == PurchaseStates.Succeeded ? MessageStatuses.Cancelled : MessageStatuses.Scheduled);

        foreach (var row in rows.Values.Where(m => m.Kind == MessageKinds.Reminder && m.Status is MessageStatuses.Scheduled or MessageStatuses.Pending))
        {
            var paid = shares.FirstOrDefault(s => s.Index == row.ShareIndex)?.State == PurchaseStates.Succeeded;
            if (!final && !paid) continue;
            row.Status = MessageStatuses.Cancelled;
            if (!added.Contains(row)) updated.Add(row);
        }

        if (p.State == PurchaseStates.Succeeded)
            foreach (var share in shares)
                Plan(RowKey(4, share.Index), MessageKinds.Succeeded, share, share.Amount, p.CompletedAt ?? now, MessageStatuses.Pending);
        else if (p.State == PurchaseStates.Failed)
        {
            // The organizer gets back the whole cart less the reimbursements already made; a pledger who paid, their share.
            var paid = pledgers.Where(s => s.State == PurchaseStates.Succeeded).ToList();
            Plan(RowKey(4, 0), MessageKinds.Failed, shares[0], p.Amount - paid.Sum(s => s.Amount), p.CompletedAt ?? now, MessageStatuses.Pending);
            foreach (var share in paid)
                Plan(RowKey(4, share.Index), MessageKinds.Failed, share, share.Amount, p.CompletedAt ?? now, MessageStatuses.Pending);
        }
        return new(added, updated, Ordered(rows));
    }

    /// <summary>Stable for the life of the message, unique across purchases, and opaque.</summary>
    public static string IdFor(string purchaseId, string rowKey) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{purchaseId}/{rowKey}")))[..32];

    private static string RowKey(params int[] parts) =>
        MessageEntity.RowPrefix + string.Join('-', parts.Select(n => n.ToString("00", CultureInfo.InvariantCulture)));

    private static List<MessageEntity> Ordered(Dictionary<string, MessageEntity> rows) => [.. rows.Values.OrderBy(m => m.RowKey, StringComparer.Ordinal)];
}

/// <param name="Added">New rows to insert.</param>
/// <param name="Updated">Rows read from storage whose status changed (replace on their ETag).</param>
/// <param name="All">Every message of the purchase after the change, in the order scheduled.</param>
public sealed record MessageChanges(List<MessageEntity> Added, List<MessageEntity> Updated, IReadOnlyList<MessageEntity> All)
{
    public IEnumerable<MessageEntity> ToSend => All.Where(m => m.Status == MessageStatuses.Pending);

    /// <summary>When the reminders still scheduled are due, each time once, earliest first (past ones included:
    /// their timer fires at once).</summary>
    public IReadOnlyList<DateTimeOffset> ReminderTimes =>
        [.. All.Where(m => m.Kind == MessageKinds.Reminder && m.Status == MessageStatuses.Scheduled).Select(m => m.ScheduledFor).Distinct().Order()];

    /// <summary>The reminders a timer set for <paramref name="dueAt"/> sends: scheduled (or still being
    /// retried) and due by then.</summary>
    public static bool IsDueReminder(MessageEntity m, DateTimeOffset dueAt) =>
        m.Kind == MessageKinds.Reminder && (m.Status is MessageStatuses.Scheduled or MessageStatuses.Pending) && m.ScheduledFor <= dueAt + MessagePlan.DueTolerance;
}
