using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Data.Tables;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Payments;

namespace PledgFunctions.Faults;

/// <summary>Start the service as a process, drive mixed traffic (creates with and without
/// Idempotency-Key, cancels, pledges, pays, concurrent duplicate pays, declined cards), SIGKILL it
/// at a random moment, restart, repeat; requests left unanswered by a kill are retried in the next
/// cycle. At the end one more process runs until every deadline has passed and every open
/// authorization is settled, and <see cref="Invariants"/> checks every purchase in storage.</summary>
public static class CrashCycles
{
    private const string Phase = "crash";

    private sealed record Context(PledgClient Client, Journal Journal, FaultReport Report, string NotificationUrl,
        ConcurrentQueue<(string Key, object Body)> PendingCreates, ConcurrentQueue<(string Token, string PurchaseId, int Index)> PendingPays);

    public static async Task RunAsync(FaultSuiteOptions options, FaultReport report, CancellationToken ct)
    {
        await using var azurite = await Azurite.StartNewAsync();
        var settings = ServiceUnderTest.Settings(azurite);
        settings["Pledg:PaymentWindow"] = options.PaymentWindow.ToString();
        settings["Pledg:Payments:RecoveryGrace"] = "00:00:03";
        settings["Pledg:RateLimits:Enabled"] = "false";
        // Nothing listens there: deliveries fail and are retried, the outbox rows are what is checked.
        var notificationUrl = $"http://127.0.0.1:{FreePorts.Next()}/pledg-events";
        var journal = new Journal();
        var pendingCreates = new ConcurrentQueue<(string, object)>();
        var pendingPays = new ConcurrentQueue<(string, string, int)>();
        var random = new Random(options.Seed);
        var answers = 0;
        var clock = Stopwatch.StartNew();

        for (var cycle = 0; cycle < options.CrashCycles && !ct.IsCancellationRequested; cycle++)
        {
            await using var service = await ServiceUnderTest.StartAsync(settings, ct);
            var context = new Context(service.Client, journal, report, notificationUrl, pendingCreates, pendingPays);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var retries = RetryPendingAsync(context, ct);
            var flows = Enumerable.Range(0, options.FlowsPerCycle)
                .Select(i => FlowsAsync(context, new Random(options.Seed + cycle * 1000 + i), stop.Token, ct)).ToList();
            await Task.Delay(TimeSpan.FromMilliseconds(200 + random.NextDouble() * (options.MaxLifetime.TotalMilliseconds - 200)), ct);
            await service.KillAsync();
            await stop.CancelAsync();
            var counts = await Task.WhenAll(flows.Append(retries));
            answers += counts.Sum();
            report.Progress(Phase, $"cycle {cycle + 1}/{options.CrashCycles}: killed after {counts.Sum()} answers");
        }

        await using (var last = await ServiceUnderTest.StartAsync(settings, ct))
        {
            var context = new Context(last.Client, journal, report, notificationUrl, pendingCreates, pendingPays);
            answers += await RetryPendingAsync(context, ct);
            await SettleAsync(azurite, options, report, ct);
        }
        var state = await StoredState.ReadAsync(azurite.ConnectionString, ct);
        Invariants.Check(state, journal, report, Phase);
        foreach (var open in state.Ledger.SelectMany(g => g).Where(c => c.State == SandboxChargeEntity.Authorized).Take(5))
            report.Progress(Phase, $"open authorization {open.PartitionKey} of {open.PurchaseId} {open.ShareRowKey} at {open.AuthorizedAt:HH:mm:ss.fff}: " +
                                   await InstanceAsync(azurite, open.PurchaseId, ct) + "\n" + await HistoryAsync(azurite, open.PurchaseId, ct));
        var final = state.Purchases.Values.Select(p => p.Purchase!).ToList();
        report.Figure(Phase, $"{options.CrashCycles} SIGKILLs in {clock.Elapsed.TotalSeconds:F0} s, {answers} answered requests; " +
                             $"{final.Count} purchases checked: {final.Count(p => p.State == "SUCCESSFULL")} SUCCESSFULL, " +
                             $"{final.Count(p => p.FailureReason == "cancelled")} cancelled, {final.Count(p => p.FailureReason == "deadline_expired")} expired; " +
                             $"{state.Ledger.Sum(g => g.Count(c => c.State == "captured"))} captures, {state.Ledger.Sum(g => g.Count(c => c.State == "voided"))} voids, " +
                             $"{state.Purchases.Values.Sum(p => p.Payments.Count)} money movements checked ({journal.Refunded.Count} merchant refunds, " +
                             $"{final.Count(p => p.FailureReason == "cancelled" && p.PledgedAt is not null)} cancelled after the pledge), " +
                             $"{state.Purchases.Values.Sum(p => p.Events.Count)} events; {journal.Paid.Count} pays and {journal.Created.Count} creates acknowledged; " +
                             $"{pendingCreates.Count} keyed creates still unanswered at the end");
    }

    /// <summary>Waits (bounded) until every purchase is final and no authorization is open, saying
    /// every 30 s how many are left (a backlog shrinking or stuck); past the bound, shows the
    /// orchestration instances of a few purchases still open.</summary>
    private static async Task SettleAsync(Azurite azurite, FaultSuiteOptions options, FaultReport report, CancellationToken ct)
    {
        var limit = Stopwatch.StartNew();
        var bound = options.PaymentWindow + options.SettleAllowance;
        var said = TimeSpan.Zero;
        while (true)
        {
            var state = await StoredState.ReadAsync(azurite.ConnectionString, ct);
            var open = state.Purchases.Where(p => p.Value.Purchase!.State == "INITIALIZED" || PledgFunctions.Money.MoneyPlan.IsMoneyDue(p.Value.Purchase)).Select(p => p.Key).ToList();
            if (open.Count == 0 && state.OpenAuthorizations == 0) return;
            if (limit.Elapsed > bound)
            {
                report.Progress(Phase, $"not settled after {bound}: {open.Count} purchases not final or with money due, {state.OpenAuthorizations} open authorizations");
                foreach (var id in open.Take(5)) report.Progress(Phase, $"  {id}: {await InstanceAsync(azurite, id, ct)}");
                return;
            }
            if (limit.Elapsed - said >= TimeSpan.FromSeconds(30))
            {
                said = limit.Elapsed;
                report.Progress(Phase, $"settling, {limit.Elapsed.TotalSeconds:F0} s: {open.Count} purchases not final or with money due, {state.OpenAuthorizations} open authorizations");
            }
            // Each look scans every purchase partition and the gateway's table: looking every 0.5 s
            // took most of Azurite's one thread from the engine it waits for.
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
    }

    /// <summary>The purchase's rows and its orchestration's history, one line each, for a violation's diagnosis.</summary>
    private static async Task<string> HistoryAsync(Azurite azurite, string id, CancellationToken ct)
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var lines = new List<string>();
        await foreach (var row in tables.GetTableClient("Purchases").QueryAsync<TableEntity>(e => e.PartitionKey == id, cancellationToken: ct))
            lines.Add($"    row {row.RowKey} {row.Timestamp:HH:mm:ss.fff} {row.GetString("State") ?? row.GetString("Outcome")}");
        await foreach (var row in tables.GetTableClient("PledgHubHistory").QueryAsync<TableEntity>(e => e.PartitionKey == id, cancellationToken: ct))
        {
            var input = row.GetString("Input") is { } i ? i[..Math.Min(i.Length, 160)] : "";
            lines.Add($"    history {row.RowKey} {row.GetString("EventType")} {row.GetString("Name")} {row.Timestamp:HH:mm:ss.fff} exec {row.GetString("ExecutionId")?[..8]} {input}");
        }
        return string.Join('\n', lines);
    }

    /// <summary>The purchase's orchestration as the engine's Instances table holds it.</summary>
    private static async Task<string> InstanceAsync(Azurite azurite, string id, CancellationToken ct)
    {
        var instances = new TableServiceClient(azurite.ConnectionString).GetTableClient("PledgHubInstances");
        var row = await instances.GetEntityIfExistsAsync<TableEntity>(id, "", cancellationToken: ct);
        if (!row.HasValue) return "no instance";
        var e = row.Value!;
        var output = e.GetString("Output") is { } o ? o[..Math.Min(o.Length, 300)] : "";
        return $"{e.GetString("RuntimeStatus")}, created {e.GetDateTimeOffset("CreatedTime"):HH:mm:ss}, updated {e.GetDateTimeOffset("LastUpdatedTime"):HH:mm:ss.f} {output}";
    }

    /// <summary>Flows one after another until <paramref name="stop"/>; requests are not cancelled
    /// by it: the kill ends them, as it would a real client's.</summary>
    private static async Task<int> FlowsAsync(Context c, Random r, CancellationToken stop, CancellationToken ct)
    {
        var answered = 0;
        while (!stop.IsCancellationRequested)
        {
            var (count, alive) = await OneFlowAsync(c, r, ct);
            answered += count;
            if (!alive) break;
        }
        return answered;
    }

    private static Answer Checked(Context c, Answer answer, string what)
    {
        ContractRules.Check(answer, Phase, what, c.Report);
        return answer;
    }

    /// <summary>One purchase's life, as far as the process lets it go. False once the service stopped answering.</summary>
    private static async Task<(int Answers, bool Alive)> OneFlowAsync(Context c, Random r, CancellationToken ct)
    {
        var reference = "crash-" + Convert.ToHexStringLower(BitConverter.GetBytes(r.NextInt64()));
        var key = r.NextDouble() < 0.6 ? reference : null;
        var body = PledgClient.CreateBody(r.Next(100, 100_000), reference, r.NextDouble() < 0.7 ? c.NotificationUrl : null);
        var created = Checked(c, await c.Client.CreateAsync(body, key, ct), "create");
        if (!created.Answered)
        {
            if (key is not null) c.PendingCreates.Enqueue((key, body));
            return (0, false);
        }
        if (created.Status != 201) return (1, true);
        var id = Record(c, created, key);
        var answers = 1;

        var choice = r.NextDouble();
        if (choice < 0.15)
        {
            var cancel = Checked(c, await c.Client.CancelAsync(id, ct), "cancel");
            if (cancel.Status == 200) c.Journal.Cancelled[id] = true;
            return (answers + (cancel.Answered ? 1 : 0), cancel.Answered);
        }
        if (choice < 0.25) return (answers, true); // left to expire unpledged

        var pledgers = r.Next(0, 5);
        var custom = pledgers > 0 && r.NextDouble() < 0.3;
        var amount = created.Json.GetProperty("amount").GetInt64();
        var list = Enumerable.Range(1, pledgers)
            .Select(i => custom ? (object)new { email = $"p{i}+{reference}@example.com", amount = amount / (pledgers + 2) }
                                : new { email = $"p{i}+{reference}@example.com" }).ToList();
        var pledge = Checked(c, await c.Client.PledgeAsync(PledgClient.OrganizerToken(created), list,
            r.NextDouble() < 0.1 ? PledgClient.DeclinedCard : PledgClient.GoodCard, ct), "pledge");
        if (!pledge.Answered) return (answers, false);
        answers++;
        if (pledge.Status != 200) return (answers, true);
        c.Journal.Pledged[id] = pledgers + 1;

        if (r.NextDouble() < 0.1)
        {
            var late = Checked(c, await c.Client.CancelAsync(id, ct), "cancel after pledge");
            if (late.Status == 200) c.Journal.Cancelled[id] = true;
            if (!late.Answered) return (answers, false);
        }

        var tokens = PledgClient.ShareTokens(pledge);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (r.NextDouble() < 0.1) continue; // this pledger never pays: the purchase expires
            var card = r.NextDouble() < 0.05 ? PledgClient.DeclinedCard : PledgClient.GoodCard;
            var copies = r.NextDouble() < 0.15 ? 3 : 1;
            var pays = await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => c.Client.PayAsync(tokens[i], card, ct)));
            foreach (var pay in pays) Checked(c, pay, "pay");
            if (pays.Count(p => p.Status == 200) > 1) c.Report.Violation(Phase, $"{id}: share {i + 1} paid {pays.Count(p => p.Status == 200)} times");
            if (pays.Any(p => p.Status == 200)) c.Journal.Paid[(id, i + 1)] = true;
            answers += pays.Count(p => p.Answered);
            if (pays.Any(p => !p.Answered))
            {
                c.PendingPays.Enqueue((tokens[i], id, i + 1));
                return (answers, false);
            }
        }
        if (r.NextDouble() < 0.3)
        {
            // A merchant refund: 202 once the purchase is SUCCESSFULL, a 409 otherwise.
            var refund = Checked(c, await c.Client.RefundAsync(id, ct), "refund");
            if (refund.Status == 202) c.Journal.Refunded[id] = true;
            else if (refund.Answered && refund.Status != 409 && refund.Status != 503) c.Report.Violation(Phase, $"{id}: refund answered {refund}");
            return (answers + (refund.Answered ? 1 : 0), refund.Answered);
        }
        return (answers, true);
    }

    private static string Record(Context c, Answer created, string? key)
    {
        var id = created.String("id")!;
        c.Journal.Created[id] = created.String("reference")!;
        if (key is not null) c.Journal.KeyedCreates.GetOrAdd(key, _ => []).Add(id);
        return id;
    }

    /// <summary>Requests a kill left unanswered, sent again as a client would: the same key and body
    /// for a create (answers the first purchase, or 409 while the dead process's lease lasts), the
    /// same share for a pay (charged at most once).</summary>
    private static async Task<int> RetryPendingAsync(Context c, CancellationToken ct)
    {
        var answers = 0;
        for (var n = c.PendingCreates.Count; n > 0 && c.PendingCreates.TryDequeue(out var create); n--)
        {
            var again = Checked(c, await c.Client.CreateAsync(create.Body, create.Key, ct), "create retry");
            if (again.Status == 201) Record(c, again, create.Key);
            else if (!again.Answered || again.Code == "idempotency_key_in_use") c.PendingCreates.Enqueue(create);
            if (!again.Answered) return answers;
            answers++;
        }
        for (var n = c.PendingPays.Count; n > 0 && c.PendingPays.TryDequeue(out var pay); n--)
        {
            var again = Checked(c, await c.Client.PayAsync(pay.Token, PledgClient.GoodCard, ct), "pay retry");
            if (again.Status == 200) c.Journal.Paid[(pay.PurchaseId, pay.Index)] = true;
            if (!again.Answered)
            {
                c.PendingPays.Enqueue(pay);
                return answers;
            }
            answers++;
        }
        return answers;
    }
}
