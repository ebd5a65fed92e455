using System.Diagnostics;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Faults;

/// <summary>Every share paid by many requests at once, every Idempotency-Key sent many times at
/// once (and once with another body): one charge per share, one purchase per key.</summary>
public static class Duplicates
{
    private const string Phase = "duplicates";

    public static async Task RunAsync(FaultSuiteOptions options, ServiceUnderTest service, string storage, FaultReport report, CancellationToken ct)
    {
        var client = service.Client;
        var each = options.DuplicatesEach;

        // Pays: one pledger per purchase, then every share's pays all in flight together.
        var shares = new List<(string PurchaseId, string Token)>();
        for (var i = 0; i < options.DuplicateShares; i += 10)
            shares.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(10, options.DuplicateShares - i)).Select(async n =>
            {
                var created = await client.CreateAsync(PledgClient.CreateBody(10_000 + n, $"dup-pay-{Guid.NewGuid():N}", null), null, ct);
                var pledge = await client.PledgeAsync(PledgClient.OrganizerToken(created), [new { email = $"p{n}@example.com" }], PledgClient.GoodCard, ct);
                if (pledge.Status != 200) throw new InvalidOperationException($"setup pledge failed: {pledge}");
                return (created.String("id")!, PledgClient.ShareTokens(pledge)[0]);
            })));
        var clock = Stopwatch.StartNew();
        var pays = await Task.WhenAll(shares.SelectMany(s => Enumerable.Range(0, each).Select(async _ => (s, await client.PayAsync(s.Token, PledgClient.GoodCard, ct)))));
        var payTime = clock.Elapsed;
        foreach (var (share, answer) in pays)
        {
            ContractRules.Check(answer, Phase, "duplicate pay", report);
            if (!answer.Answered) report.Violation(Phase, $"pay of {share.PurchaseId} got no answer: {answer.Text}");
            else if (answer.Status is not (200 or 409 or 503)) report.Violation(Phase, $"pay of {share.PurchaseId}: unexpected {answer}");
        }
        var ledger = (await StoredState.ReadAsync(storage, ct)).Ledger;
        var doubles = 0;
        foreach (var group in pays.GroupBy(p => p.s.PurchaseId))
        {
            var oks = group.Count(p => p.Item2.Status == 200);
            var captured = ledger[group.Key].Count(c => c.ShareRowKey == ShareEntity.RowKeyFor(1) && c.State == SandboxChargeEntity.Captured);
            var open = ledger[group.Key].Count(c => c.State == SandboxChargeEntity.Authorized);
            if (oks > 1 || captured > 1) { doubles++; report.Violation(Phase, $"{group.Key}: {oks} pays answered 200, {captured} captures"); }
            if (oks == 1 && captured != 1) report.Violation(Phase, $"{group.Key}: paid but {captured} captures");
            if (open > 0) report.Violation(Phase, $"{group.Key}: {open} authorization(s) left open");
        }

        // Creates: each key sent `each` times at once with the same bytes, then once with another body.
        var keys = Enumerable.Range(0, options.DuplicateKeys).Select(_ => "dup-key-" + Guid.NewGuid().ToString("N")).ToList();
        clock.Restart();
        var creates = await Task.WhenAll(keys.SelectMany(k => Enumerable.Range(0, each).Select(async _ =>
            (Key: k, Answer: await client.CreateAsync(PledgClient.CreateBody(7000, k, null), k, ct)))));
        var createTime = clock.Elapsed;
        var reused = await Task.WhenAll(keys.Select(k => client.CreateAsync(PledgClient.CreateBody(7001, k, null), k, ct)));
        foreach (var answer in reused.Where(a => a.Status != 422 || a.Code != "idempotency_key_reused"))
            report.Violation(Phase, $"a key reused with another body answered {answer}");
        foreach (var (key, answer) in creates)
        {
            ContractRules.Check(answer, Phase, "duplicate create", report);
            if (answer.Status is not (201 or 409 or 503)) report.Violation(Phase, $"create with key {key}: unexpected {answer}");
            if (answer.Status == 409 && (answer.Code != "idempotency_key_in_use" || answer.RetryAfter is null))
                report.Violation(Phase, $"create with key {key}: 409 without idempotency_key_in_use and Retry-After: {answer}");
        }
        var stored = (await StoredState.ReadAsync(storage, ct)).Purchases.Values.Select(p => p.Purchase!)
            .Where(p => p.Reference?.StartsWith("dup-key-", StringComparison.Ordinal) == true).ToLookup(p => p.Reference!);
        var duplicated = 0;
        foreach (var key in keys)
        {
            var ids = creates.Where(c => c.Key == key && c.Answer.Status == 201).Select(c => c.Answer.String("id")).Distinct().ToList();
            if (stored[key].Count() != 1) { duplicated++; report.Violation(Phase, $"key {key}: {stored[key].Count()} purchases stored"); }
            if (ids.Count > 1 || (ids.Count == 1 && stored[key].FirstOrDefault()?.PartitionKey != ids[0]))
                report.Violation(Phase, $"key {key}: 201s named {string.Join(",", ids)}");
        }

        report.Figure(Phase, $"{pays.Length} concurrent pays of {shares.Count} shares in {payTime.TotalSeconds:F1} s: " +
                             $"{pays.Count(p => p.Item2.Status == 200)} × 200, {pays.Count(p => p.Item2.Code == "share_already_paid")} × 409 share_already_paid, " +
                             $"{pays.Count(p => p.Item2.Status == 503)} × 503; double charges: {doubles}");
        report.Figure(Phase, $"{creates.Length} concurrent creates over {keys.Count} Idempotency-Keys in {createTime.TotalSeconds:F1} s: " +
                             $"{creates.Count(c => c.Answer.Status == 201)} × 201 ({creates.Count(c => c.Answer.Replayed)} replays), " +
                             $"{creates.Count(c => c.Answer.Code == "idempotency_key_in_use")} × 409 in use, {creates.Count(c => c.Answer.Status == 503)} × 503; " +
                             $"duplicate purchases: {duplicated}; {reused.Count(a => a.Status == 422)}/{keys.Count} other-body reuses refused 422");
    }
}
