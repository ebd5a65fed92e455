using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace PledgFunctions.Faults;

/// <summary>Thousands of seeded, randomly damaged requests against real purchases (fresh ones for
/// pledge and cancel, pledged ones for pay): no answer may be a 5xx, every API error must be
/// problem+json with a code, and a request that was refused must leave storage exactly as it was
/// (every target partition compared row by row, ETags included, and the other tables counted).</summary>
public static class MalformedRequests
{
    private const string Phase = "bad-input";
    private const int Concurrency = 32;

    private static readonly JsonNode CreateBody = JsonNode.Parse("""
        {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR",
         "cart":[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}],
         "reference":"order-123","notificationUrl":"https://merchant.example/pledg-events"}
        """)!;
    private static readonly JsonNode PledgeBody = JsonNode.Parse("""
        {"pledgers":[{"email":"bob@example.com"},{"email":"carol@example.com"}],
         "card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}
        """)!;
    private static readonly JsonNode PayBody = JsonNode.Parse("""{"card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}""")!;
    private static readonly JsonNode CancelBody = JsonNode.Parse("""{"reason":"changed mind"}""")!;

    private sealed record Target(string PurchaseId, string Token);

    public static async Task RunAsync(FaultSuiteOptions options, ServiceUnderTest service, string storage, FaultReport report, CancellationToken ct)
    {
        var client = service.Client;
        // Enough targets that most receive only refused requests and can be compared row by row.
        var targets = Math.Max(30, options.MalformedRequests / 25);
        var made = await Task.WhenAll(Enumerable.Range(0, targets).Select(async i =>
        {
            // Setup, not under test: a busy service's 503 is retried as a client would.
            var created = await Answer.RetryingUnavailableAsync(() => client.CreateAsync(PledgClient.CreateBody(9000, $"target-{Guid.NewGuid():N}", null), null, ct), ct);
            var other = await Answer.RetryingUnavailableAsync(() => client.CreateAsync(PledgClient.CreateBody(9000, $"target-{Guid.NewGuid():N}", null), null, ct), ct);
            var pledge = await Answer.RetryingUnavailableAsync(() => client.PledgeAsync(PledgClient.OrganizerToken(other), [new { email = $"b{i}@example.com" }, new { email = $"c{i}@example.com" }], PledgClient.GoodCard, ct), ct);
            return (Fresh: new Target(created.String("id")!, PledgClient.OrganizerToken(created)),
                    Pledged: PledgClient.ShareTokens(pledge).Select(t => new Target(other.String("id")!, t)).ToList());
        }));
        var fresh = made.Select(m => m.Fresh).ToList();
        var pledged = made.SelectMany(m => m.Pledged).ToList();
        var ids = fresh.Concat(pledged).Select(t => t.PurchaseId).Distinct().ToList();
        // The engine finishes the setup's work (settlements, ledger rows) after the answers: compare
        // against the targets once they are quiet, not against a snapshot they are still moving under.
        var before = await SnapshotAsync(storage, ids, ct);
        for (var quiet = Stopwatch.StartNew(); quiet.Elapsed < TimeSpan.FromMinutes(3);)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var again = await SnapshotAsync(storage, ids, ct);
            var settled = ids.All(id => before.Partitions[id].SequenceEqual(again.Partitions[id]));
            before = again;
            if (settled) break;
        }

        var touched = new ConcurrentDictionary<string, bool>();
        var statuses = new ConcurrentDictionary<int, int>();
        int created201 = 0, pledgeRows = 0, payRows = 0, answered = 0, keyedSent = 0, mayHaveLanded = 0, createsUnknown = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.MalformedRequests), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct },
            async (n, token) =>
            {
                var r = new Random(options.Seed + n);
                var (request, kind, target) = Build(r, fresh, pledged);
                var keyed = request.Headers.Contains("Idempotency-Key");
                if (keyed) Interlocked.Increment(ref keyedSent);
                var what = $"request #{n} (seed {options.Seed}+{n}: {Describe(request)})";
                var answer = await Answer.SendAsync(service.Http, request, token);
                statuses.AddOrUpdate(answer.Status, 1, (_, c) => c + 1);
                if (!answer.Answered) { report.Violation(Phase, $"{what} got no answer: {answer.Text}"); return; }
                Interlocked.Increment(ref answered);
                // A page is HTML, not problem+json; a busy storage may still make it a 503 with Retry-After.
                if (kind == "page") { if (answer.Status >= 500 && !(answer.Status == 503 && answer.RetryAfter is not null)) report.Violation(Phase, $"{what} answered {answer}"); }
                else ContractRules.Check(answer, Phase, what, report);
                if (answer.Status == 503)
                {
                    // A storage timeout cannot tell whether the write landed (Azurite saturated by the
                    // engine's backlog answered after the 10 s timeout): its target is not compared and
                    // what it may have added is allowed, but never required.
                    if (target is not null) touched[target] = true;
                    Interlocked.Add(ref mayHaveLanded, kind switch { "create" => 1, "pledge" => 22, "pay" => 1, _ => 0 });
                    if (kind == "create") Interlocked.Increment(ref createsUnknown);
                    return;
                }
                if (answer.Status is < 200 or >= 300) return;
                if (target is not null) touched[target] = true;
                if (kind == "create" && !answer.Replayed) Interlocked.Increment(ref created201);
                if (kind == "pledge") Interlocked.Add(ref pledgeRows, answer.Json.GetProperty("shares").GetArrayLength() + 1);
                if (kind == "pay") Interlocked.Increment(ref payRows);
            });
        var elapsed = clock.Elapsed;

        if (statuses.Keys.Any(s => s >= 500))
            report.Figure(Phase, "the service's last lines:\n" + string.Join('\n', service.RecentOutput.Split('\n').TakeLast(40)));
        var after = await SnapshotAsync(storage, ids, ct);
        var compared = 0;
        foreach (var id in ids.Where(id => !touched.ContainsKey(id)))
        {
            compared++;
            if (!before.Partitions[id].SequenceEqual(after.Partitions[id]))
                report.Violation(Phase, $"{id} changed although every request to it was refused:\n  before {string.Join("\n         ", before.Partitions[id])}\n  after  {string.Join("\n         ", after.Partitions[id])}");
        }
        void Expect(string table, int was, int now, int expected, int unknown)
        {
            if (now - was < expected || now - was > expected + unknown)
                report.Violation(Phase, $"{table}: {now - was} rows added, {expected} expected from the 2xx answers (and up to {unknown} more from 503s)");
        }
        // Rows a request writes itself (the purchase, its shares, charge decisions); the payments
        // ledger and events also come from the purchase's orchestration, later.
        Expect("Purchases (purchase, share-, charge- rows)", before.PurchaseRows, after.PurchaseRows, created201 + pledgeRows + payRows, mayHaveLanded);
        // Two index rows per purchase: the merchant's partition and the organizer email's.
        Expect("MerchantPurchases", before.MerchantRows, after.MerchantRows, 2 * created201, 2 * createsUnknown);
        // A keyed request may keep its answer for replay whatever it was; never more than one row per key sent.
        if (after.IdempotencyRows - before.IdempotencyRows > keyedSent)
            report.Violation(Phase, $"Idempotency: {after.IdempotencyRows - before.IdempotencyRows} rows added for {keyedSent} keyed requests");

        report.Figure(Phase, $"{options.MalformedRequests} malformed requests (seed {options.Seed}) in {elapsed.TotalSeconds:F1} s at concurrency {Concurrency}: " +
                             $"statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
                             $"{statuses.Where(s => s.Key >= 500).Sum(s => s.Value)} answers >= 500; {created201} valid creates slipped through (counted), " +
                             $"{ids.Count - compared}/{ids.Count} target purchases legitimately changed by a valid mutation, {compared} compared row by row: " +
                             $"partial writes: {report.Violations.Count(v => v.StartsWith($"[{Phase}]", StringComparison.Ordinal) && v.Contains("changed", StringComparison.Ordinal))}");
    }

    private static (HttpRequestMessage Request, string Kind, string? Target) Build(Random r, List<Target> fresh, List<Target> pledged)
    {
        var f = fresh[r.Next(fresh.Count)];
        var p = pledged[r.Next(pledged.Count)];
        (HttpMethod method, string path, byte[]? body, string kind, string? target, bool merchant) = r.Next(100) switch
        {
            < 25 => (HttpMethod.Post, "/api/purchases", Mutations.Body(CreateBody, r), "create", null, true),
            < 45 => (HttpMethod.Post, $"/api/checkout/{Mutations.Segment(f.Token, r)}/pledge", Mutations.Body(PledgeBody, r), "pledge", f.PurchaseId, false),
            < 65 => (HttpMethod.Post, $"/api/shares/{Mutations.Segment(p.Token, r)}/pay", Mutations.Body(PayBody, r), "pay", p.PurchaseId, false),
            // Mostly at pledged purchases, which must refuse any cancel, valid or not.
            < 75 when r.Next(4) > 0 => (HttpMethod.Post, $"/api/purchases/{Mutations.Segment(p.PurchaseId, r)}/cancel", Mutations.Body(CancelBody, r), "cancel", p.PurchaseId, true),
            < 75 => (HttpMethod.Post, $"/api/purchases/{Mutations.Segment(f.PurchaseId, r)}/cancel", Mutations.Body(CancelBody, r), "cancel", f.PurchaseId, true),
            < 85 => (HttpMethod.Get, r.Next(3) switch
            {
                0 => $"/api/purchases/{Mutations.Segment(p.PurchaseId, r)}",
                1 => $"/api/purchases/{Mutations.Segment(p.PurchaseId, r)}/status",
                _ => $"/api/purchases?limit={Mutations.Segment("20", r)}&state={Mutations.Segment("FAILED", r)}&cursor={Mutations.Segment("abc", r)}&organizerEmail={Mutations.Segment("a@b.c", r)}",
            }, null, "read", null, true),
            // PATCH of a purchase is a real route: a body it accepts edits the purchase (target f).
            < 90 => (new HttpMethod(Mutations.Pick(r, "PUT", "DELETE", "PATCH", "OPTIONS")), Mutations.Pick(r, "/api/purchases", $"/api/purchases/{f.PurchaseId}", $"/api/shares/{p.Token}/pay"),
                Mutations.Body(CancelBody, r), "method", f.PurchaseId, true),
            < 95 => (HttpMethod.Get, $"/api/checkout/{Mutations.Segment(f.Token, r)}", null, "read", null, false),
            _ => (HttpMethod.Get, r.Next(2) == 0 ? $"/pay/{Mutations.Segment(f.Token, r)}" : $"/pay/share/{Mutations.Segment(p.Token, r)}", null, "page", null, false),
        };
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (Mutations.ContentType(r) is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        var authorization = merchant || r.Next(10) == 0 ? Mutations.Authorization(r, ServiceUnderTest.MerchantKey) : null;
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (kind == "create" && Mutations.IdempotencyKey(r) is { } key) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (r.Next(5) == 0) request.Headers.TryAddWithoutValidation("X-" + r.Next(100), new string('v', r.Next(1, 4000)));
        if (r.Next(10) == 0) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        return (request, kind, target);
    }

    private static string Describe(HttpRequestMessage request)
    {
        static string Cut(string text, int max) => text.Length > max ? text[..max] + "…" : text;
        var body = request.Content is ByteArrayContent content ? content.ReadAsByteArrayAsync().Result : [];
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => $"{h.Key}: {Cut(string.Join(",", h.Value), 40)}");
        return $"{request.Method} {Cut(request.RequestUri!.OriginalString, 120)} [{string.Join("; ", headers)}] {body.Length} bytes: " +
               Cut(System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 400))), 160);
    }

    private static readonly string RequestRows = TableClient.CreateQueryFilter(
        $"RowKey eq {"purchase"} or (RowKey ge {"share-"} and RowKey lt {"share."}) or (RowKey ge {"charge-"} and RowKey lt {"charge."})");

    private sealed record Snapshot(Dictionary<string, List<string>> Partitions, int PurchaseRows, int MerchantRows, int IdempotencyRows);

    private static async Task<Snapshot> SnapshotAsync(string storage, List<string> targets, CancellationToken ct)
    {
        var service = new TableServiceClient(storage);
        var purchases = service.GetTableClient("Purchases");
        var partitions = new Dictionary<string, List<string>>();
        foreach (var id in targets)
        {
            var rows = new List<string>();
            await foreach (var row in purchases.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: ct))
                // The values too, so a changed row shows what changed.
                rows.Add($"{row.RowKey} {row.ETag} " + string.Join(";", row.Where(p => p.Key is not ("Timestamp" or "odata.etag" or "PartitionKey" or "RowKey"))
                    .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
            partitions[id] = rows;
        }
        return new Snapshot(partitions,
            await StoredState.CountAsync(purchases, RequestRows, ct),
            await StoredState.CountAsync(service.GetTableClient("MerchantPurchases"), null, ct),
            await StoredState.CountAsync(service.GetTableClient("Idempotency"), null, ct));
    }
}
