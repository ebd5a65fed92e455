using System.Collections.Concurrent;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Faults;

/// <summary>What clients were told: each acknowledged (2xx) step must be in storage at the end.</summary>
public sealed class Journal
{
    public ConcurrentDictionary<string, string> Created { get; } = new();           // purchase id -> reference
    public ConcurrentDictionary<string, int> Pledged { get; } = new();              // purchase id -> share count
    public ConcurrentDictionary<(string PurchaseId, int Index), bool> Paid { get; } = new();
    public ConcurrentDictionary<string, bool> Cancelled { get; } = new();
    public ConcurrentDictionary<string, bool> Refunded { get; } = new();
    /// <summary>Idempotency-Key (also the purchase's reference) -> every id a 201 answered with it.</summary>
    public ConcurrentDictionary<string, ConcurrentBag<string>> KeyedCreates { get; } = new();
}

/// <summary>The end-state invariants, over every purchase in storage once all deadlines have passed
/// and every open authorization has been settled. Money is checked per share against the sandbox
/// gateway's ledger: the organizer's share is charged the whole amount at pledge, each pledger's
/// share reimburses its own amount.</summary>
public static class Invariants
{
    public static void Check(StoredState state, Journal journal, FaultReport report, string phase)
    {
        foreach (var orphan in state.Orphans) report.Violation(phase, $"partition {orphan} has rows but no purchase row");
        if (state.OpenAuthorizations > 0) report.Violation(phase, $"{state.OpenAuthorizations} authorization(s) still open after recovery");
        foreach (var (id, stored) in state.Purchases)
        {
            CheckPurchase(id, stored, state.Ledger[id].ToList(), report, phase);
            CheckMoney(id, stored, state.Ledger[id].ToList(), state.Refunds[id].ToList(), report, phase);
        }
        CheckJournal(state, journal, report, phase);
    }

    private static void CheckPurchase(string id, StoredPurchase stored, List<SandboxChargeEntity> ledger, FaultReport report, string phase)
    {
        var p = stored.Purchase!;
        void Fail(string message) => report.Violation(phase, $"{id}: {message}");

        // Exactly one final state, consistent with itself.
        if (!PurchaseStates.IsFinal(p.State)) { Fail($"still {p.State} after its deadline {p.Deadline:o}"); return; }
        if (p.CompletedAt is null) Fail($"{p.State} without completedAt");
        if (p.State == PurchaseStates.Succeeded && (p.FailureReason is not null || p.PledgedAt is null || p.CompletedAt > p.Deadline))
            Fail($"SUCCESSFULL but failureReason={p.FailureReason}, pledgedAt={p.PledgedAt}, completedAt={p.CompletedAt:o} deadline={p.Deadline:o}");
        if (p.State == PurchaseStates.Failed && p.FailureReason is not (FailureReasons.DeadlineExpired or FailureReasons.Cancelled))
            Fail($"FAILED with failureReason {p.FailureReason}");

        // Shares: all there, adding up to the amount, in states matching the purchase's.
        var shares = stored.Shares.OrderBy(s => s.Index).ToList();
        if (shares.Count != p.ShareCount) Fail($"{shares.Count} share rows, ShareCount {p.ShareCount}");
        if (p.PledgedAt is null && shares.Count > 0) Fail("shares without a pledge");
        if (shares.Count > 0)
        {
            if (shares.Sum(s => s.Amount) != p.Amount) Fail($"shares add up to {shares.Sum(s => s.Amount)}, not {p.Amount}");
            if (shares[0].State != PurchaseStates.Succeeded) Fail($"organizer's share is {shares[0].State}");
            if (shares.Any(s => s.State == PurchaseStates.Initialized)) Fail("a share is still INITIALIZED in a final purchase");
            if (p.State == PurchaseStates.Succeeded && shares.Any(s => s.State != PurchaseStates.Succeeded)) Fail("SUCCESSFULL with an unpaid share");
            if (p.PaidShareCount != shares.Count(s => s.State == PurchaseStates.Succeeded))
                Fail($"PaidShareCount {p.PaidShareCount} but {shares.Count(s => s.State == PurchaseStates.Succeeded)} shares paid");
        }

        // Money: exactly one captured charge per paid share (the whole amount for the organizer's,
        // the share's amount for a pledger's), none for a FAILED share, none left merely authorized.
        if (ledger.Any(c => c.State == SandboxChargeEntity.Authorized)) Fail("an authorization is neither captured nor voided");
        var captured = ledger.Where(c => c.State == SandboxChargeEntity.Captured).ToList();
        long reimbursed = 0;
        foreach (var share in shares)
        {
            var mine = captured.Where(c => c.ShareRowKey == share.RowKey).ToList();
            var expected = share.Index == 0 ? p.Amount : share.Amount;
            if (share.State == PurchaseStates.Succeeded)
            {
                if (mine.Count != 1) Fail($"{share.RowKey} SUCCESSFULL with {mine.Count} captured charges");
                else if (mine[0].PartitionKey != share.ChargeId || mine[0].Amount != expected)
                    Fail($"{share.RowKey} captured {mine[0].PartitionKey} for {mine[0].Amount}, share says {share.ChargeId} for {expected}");
                else reimbursed += share.Amount;
            }
            else if (mine.Count > 0) Fail($"{share.RowKey} is {share.State} but {mine.Count} charge(s) were captured");
        }
        var strays = captured.Where(c => shares.All(s => s.RowKey != c.ShareRowKey)).ToList();
        if (strays.Count > 0) Fail($"{strays.Count} captured charge(s) for shares that do not exist ({strays[0].ShareRowKey})");
        if (p.State == PurchaseStates.Succeeded && reimbursed != p.Amount) Fail($"SUCCESSFULL but captured shares add up to {reimbursed}, not {p.Amount}");
        foreach (var decision in stored.Decisions.Where(d => d.Outcome == ChargeEntity.Committed))
            if (captured.All(c => ChargeEntity.RowKeyFor(c.PartitionKey) != decision.RowKey)) Fail($"{decision.RowKey} committed but its charge was not captured");

        // One outbox event per final purchase that wants notifications, of the matching type, and
        // one purchase.refunded once a merchant refund has succeeded.
        var finalEvents = stored.Events.Where(e => e.Type != "purchase.refunded").ToList();
        var wanted = string.IsNullOrEmpty(p.NotificationUrl) ? 0 : 1;
        if (finalEvents.Count != wanted) Fail($"{finalEvents.Count} events (notificationUrl: {p.NotificationUrl is not null})");
        else if (wanted == 1 && finalEvents[0].Type != (p.State == PurchaseStates.Succeeded ? "purchase.succeeded" : "purchase.failed"))
            Fail($"{p.State} announced as {finalEvents[0].Type}");
        var refundedEvents = stored.Events.Count(e => e.Type == "purchase.refunded");
        if (refundedEvents != (wanted == 1 && p.RefundStatus == RefundStatuses.Succeeded ? 1 : 0))
            Fail($"{refundedEvents} purchase.refunded events with refundStatus {p.RefundStatus}");
    }

    /// <summary>The contract's Money invariants at rest: the payments ledger lists each captured
    /// charge once and each gateway refund once (to the unit), the purchase's totals agree with it,
    /// per member refunds never exceed charges, and each member holds their share of a SUCCESSFULL
    /// purchase and nothing of a FAILED or refunded one.</summary>
    private static void CheckMoney(string id, StoredPurchase stored, List<SandboxChargeEntity> gateway, List<SandboxRefundEntity> gatewayRefunds,
        FaultReport report, string phase)
    {
        var p = stored.Purchase!;
        void Fail(string message) => report.Violation(phase, $"{id}: money: {message}");
        var charges = stored.Payments.Where(r => r.Type == PaymentEntity.Charge).ToList();
        var refunds = stored.Payments.Where(r => r.Type == PaymentEntity.Refund).ToList();

        var captured = gateway.Where(c => c.State == SandboxChargeEntity.Captured).ToList();
        foreach (var charge in captured)
            if (charges.Count(r => r.ChargeId == charge.PartitionKey && r.Amount == charge.Amount) != 1) Fail($"captured {charge.PartitionKey} is not listed once");
        if (charges.Count != captured.Count) Fail($"{charges.Count} charge rows, {captured.Count} captured charges");
        foreach (var refund in gatewayRefunds)
            if (refunds.Count(r => r.RefundId == refund.RefundId && r.Amount == refund.Amount && r.ChargeId == refund.PartitionKey) != 1)
                Fail($"gateway refund {refund.RefundId} of {refund.Amount} is not listed once");
        if (refunds.Count != gatewayRefunds.Count) Fail($"{refunds.Count} refund rows, {gatewayRefunds.Count} gateway refunds");
        if (p.ChargedAmount != charges.Sum(r => r.Amount) || p.RefundedAmount != refunds.Sum(r => r.Amount))
            Fail($"totals {p.ChargedAmount}/{p.RefundedAmount}, ledger {charges.Sum(r => r.Amount)}/{refunds.Sum(r => r.Amount)}");
        if (MoneyPlan.IsMoneyDue(p)) Fail($"money still due at rest ({p.RefundedAmount} of {MoneyPlan.RefundsOwed(p)} refunded, refundStatus {p.RefundStatus})");

        var emptied = p.State == PurchaseStates.Failed || p.RefundStatus is not null;
        foreach (var share in stored.Shares)
        {
            var charged = charges.Where(r => r.ShareRowKey == share.RowKey).ToList();
            var back = refunds.Where(r => r.ShareRowKey == share.RowKey).Sum(r => r.Amount);
            if (charged.Count > 1) Fail($"{share.RowKey} charged {charged.Count} times");
            if (back > charged.Sum(r => r.Amount)) Fail($"{share.RowKey} refunded {back} of {charged.Sum(r => r.Amount)}");
            var holds = charged.Sum(r => r.Amount) - back;
            var expected = emptied || share.State != PurchaseStates.Succeeded ? 0 : share.Amount;
            if (holds != expected) Fail($"{share.RowKey} holds {holds}, expected {expected}");
        }
    }

    private static void CheckJournal(StoredState state, Journal journal, FaultReport report, string phase)
    {
        foreach (var id in journal.Created.Keys.Where(id => !state.Purchases.ContainsKey(id)))
            report.Violation(phase, $"{id} was answered 201 but is not stored");
        foreach (var (id, count) in journal.Pledged)
            if (state.Purchases.TryGetValue(id, out var s) && (s.Purchase!.PledgedAt is null || s.Purchase.ShareCount != count))
                report.Violation(phase, $"{id}: pledge answered 200 with {count} shares, stored pledgedAt={s.Purchase.PledgedAt} shares={s.Purchase.ShareCount}");
        foreach (var (id, index) in journal.Paid.Keys)
            if (state.Purchases.TryGetValue(id, out var s) && s.Shares.FirstOrDefault(x => x.Index == index)?.State != PurchaseStates.Succeeded)
                report.Violation(phase, $"{id}: share {index} was answered 200 but is not SUCCESSFULL");
        foreach (var id in journal.Refunded.Keys)
            if (state.Purchases.TryGetValue(id, out var s) && s.Purchase!.RefundStatus != RefundStatuses.Succeeded)
                report.Violation(phase, $"{id}: refund answered 202 but refundStatus is {s.Purchase.RefundStatus}");
        foreach (var id in journal.Cancelled.Keys)
            if (state.Purchases.TryGetValue(id, out var s) && s.Purchase!.FailureReason != FailureReasons.Cancelled)
                report.Violation(phase, $"{id}: cancel answered 200 but stored {s.Purchase.State}/{s.Purchase.FailureReason}");

        var byReference = state.Purchases.Values.Where(p => p.Purchase!.Reference is not null).ToLookup(p => p.Purchase!.Reference!);
        // Every flow uses a fresh reference (the Idempotency-Key itself when it sends one): two
        // purchases with one reference are a duplicate creation.
        foreach (var duplicate in byReference.Where(g => g.Count() > 1))
            report.Violation(phase, $"reference {duplicate.Key}: {duplicate.Count()} purchases");
        foreach (var (key, ids) in journal.KeyedCreates)
        {
            var stored = byReference[key].Select(p => p.Purchase!.PartitionKey).ToList();
            if (ids.Distinct().Count() > 1 || (stored.Count == 1 && ids.Any(i => i != stored[0])))
                report.Violation(phase, $"Idempotency-Key {key}: answered ids {string.Join(",", ids.Distinct())}, stored {string.Join(",", stored)}");
        }
    }
}
