using System.Collections.Concurrent;
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
        foreach (var (id, stored) in state.Purchases) CheckPurchase(id, stored, state.Ledger[id].ToList(), report, phase);
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
        if (p.FailureReason == FailureReasons.Cancelled && p.PledgedAt is not null) Fail("cancelled after the organizer paid");

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

        // One outbox event per final purchase that wants notifications, of the matching type.
        var wanted = string.IsNullOrEmpty(p.NotificationUrl) ? 0 : 1;
        if (stored.Events.Count != wanted) Fail($"{stored.Events.Count} events (notificationUrl: {p.NotificationUrl is not null})");
        else if (wanted == 1 && stored.Events[0].Type != (p.State == PurchaseStates.Succeeded ? "purchase.succeeded" : "purchase.failed"))
            Fail($"{p.State} announced as {stored.Events[0].Type}");
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
