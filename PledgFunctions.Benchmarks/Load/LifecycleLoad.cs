using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Full lifecycles, one at a time: create → pledge with N pledgers → every pledger pays,
/// each request's latency recorded (the p99 of pledge and pay against the figures from before the
/// engine). The application's calls on the request path come from its StorageOperationCounter (the
/// sandbox gateway's own table calls are not counted: it stands in for the card network). What the
/// engine adds, and what the orchestration does after the requests, is EngineCost's part.</summary>
public static class LifecycleLoad
{
    private static readonly object Card = new { number = "4242424242424242", expMonth = 12, expYear = 2030, cvc = "123" };

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(30);

    public sealed record Steps(string PurchaseId, double CreateMs, double PledgeMs, double[] PayMs);

    /// <summary>One lifecycle; <paramref name="pace"/> is a pause before each request after the create
    /// (people take seconds, not milliseconds, between them).</summary>
    public static async Task<Steps> RunOneAsync(HttpClient http, int pledgers, string? notificationUrl, TimeSpan pace = default)
    {
        var clock = Stopwatch.StartNew();
        using var created = await PostAsync(http, "/api/purchases", new
        {
            organizerEmail = "alice@example.com", amount = 12000, currency = "EUR",
            cart = new[] { new { name = "Tent", quantity = 1, unitAmount = 12000 } }, reference = "order-123", notificationUrl,
        });
        var purchase = await Expect(created, HttpStatusCode.Created);
        var createMs = clock.Elapsed.TotalMilliseconds;

        if (pace > TimeSpan.Zero) await Task.Delay(pace);
        clock.Restart();
        var token = purchase.GetProperty("paymentUrl").GetString()!.Split('/')[^1];
        using var pledged = await PostAsync(http, $"/api/checkout/{token}/pledge", new
        {
            pledgers = Enumerable.Range(1, pledgers).Select(i => new { email = $"friend{i}@example.com" }),
            card = Card,
        });
        var pledge = await Expect(pledged, HttpStatusCode.OK);
        var pledgeMs = clock.Elapsed.TotalMilliseconds;

        var shares = pledge.GetProperty("shares").EnumerateArray().Skip(1).Select(s => s.GetProperty("shareUrl").GetString()!.Split('/')[^1]).ToList();
        var pays = new List<double>();
        foreach (var share in shares)
        {
            if (pace > TimeSpan.Zero) await Task.Delay(pace);
            clock.Restart();
            using var paid = await PostAsync(http, $"/api/shares/{share}/pay", new { card = Card });
            await Expect(paid, HttpStatusCode.OK);
            pays.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new Steps(purchase.GetProperty("id").GetString()!, createMs, pledgeMs, [.. pays]);
    }

    /// <summary>A body with a Content-Length, as browsers and most clients send it (JsonContent would stream it chunked).</summary>
    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object body) =>
        http.PostAsync(path, new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web))
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") },
        });

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task RunAsync(InProcessService service, Baseline baseline, string notificationUrl, double scale, LoadReport report)
    {
        var http = service.Http;
        // Until the engine runs at its pace: a process owns its control-queue partitions only after
        // the provider's first lease rounds (10 s apart), and lifecycles measured before that had
        // their orchestrations' work piled up and run later, in bursts, beside later requests.
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < 10 || warming.Elapsed < WarmUp; i++) await RunOneAsync(http, 2, notificationUrl);
        await Measurement.RunAsync("warm-up", 10, 1, _ => baseline.LifecycleAsync(2, TimeProvider.System.GetUtcNow()), () => 0);

        report.Heading("Full lifecycles, sequential (create → pledge → every pledger pays; notificationUrl to a local receiver)");
        using var gateway = new GatewayCallCounter();
        report.Row("pledgers N", "lifecycles", "app ops (requests + activities meanwhile)", "baseline app calls (2N+3)", "sandbox gateway calls (not counted)",
            "engine calls meanwhile", "service ms/lifecycle p50", "baseline ms p50", "create p50 / p99 ms", "pledge p50 / p99 ms", "pay p50 / p99 ms", "alloc/lifecycle");
        var pledges = new List<double>();
        var pays = new List<double>();
        foreach (var pledgers in new[] { 0, 1, 5, 20 })
        {
            // As many as the pre-engine benchmark ran (340 pledges, 1,400 pays in all), so the p99s
            // compared are over as many requests (at 70 pledges a p99 is the slowest one).
            var count = Math.Max(5, (int)((pledgers == 20 ? 40 : 100) * scale));
            var slots = new Steps?[count];
            var gatewayBefore = gateway.Total;
            var engineBefore = service.EngineCounter.Total;
            var measured = await Measurement.RunAsync("lifecycle", count, 1,
                async i => slots[i] = await RunOneAsync(http, pledgers, notificationUrl), () => service.Counter.Total);
            var steps = slots.OfType<Steps>().ToArray(); // a lifecycle with a failed request has no steps
            var engineCalls = (double)(service.EngineCounter.Total - engineBefore) / count;
            var gatewayCalls = (double)(gateway.Total - gatewayBefore) / count;
            var raw = await Measurement.RunAsync("baseline lifecycle", count, 1,
                _ => baseline.LifecycleAsync(pledgers, TimeProvider.System.GetUtcNow()), () => baseline.Counter.Total);
            var pay = steps.SelectMany(s => s.PayMs).ToArray();
            pledges.AddRange(steps.Select(s => s.PledgeMs));
            pays.AddRange(pay);
            report.Row(pledgers, count, measured.StorageOpsEach.ToString("F2"), raw.StorageOpsEach.ToString("F2"), gatewayCalls.ToString("F2"),
                engineCalls.ToString("F1"), CreationLoad.Ms(measured.Percentile(0.5)), CreationLoad.Ms(raw.Percentile(0.5)),
                P50P99(steps.Select(s => s.CreateMs)), P50P99(steps.Select(s => s.PledgeMs)), pay.Length == 0 ? "-" : P50P99(pay),
                CreationLoad.Kb(measured.AllocatedEach) + (measured.Failures > 0 ? $" ({CreationLoad.Errors(measured)} failed)" : ""));
            report.Memory($"after lifecycles with {pledgers} pledgers");
        }
        // What a nudge alone costs a request: one external event through the sidecar to a live instance
        // (a name its orchestration does not wait for, so it only buffers it).
        var instance = await RunOneAsync(http, 1, notificationUrl);
        var raise = await Measurement.RunAsync("raise event", Math.Max(20, (int)(100 * scale)), 1,
            _ => service.Durable.RaiseEventAsync(instance.PurchaseId, "BenchPing", 0), () => service.EngineCounter.Total);
        report.Line($"One external event raised through the sidecar, as a nudge is (DurableTaskClient.RaiseEventAsync, sequential, {raise.Count} events): " +
                    $"p50 / p99 {CreationLoad.Ms(raise.Percentile(0.5))} / {CreationLoad.Ms(raise.Percentile(0.99))} ms, {CreationLoad.Errors(raise)} errors. " +
                    $"A pledge and a pay each wait for one before they touch the card.");
        report.Line($"All lifecycles above together: pledge p50 / p99 {P50P99(pledges)} ms over {pledges.Count}, pay p50 / p99 {P50P99(pays)} ms over {pays.Count}. " +
                    "Engine calls meanwhile: the engine's requests while the lifecycles ran, divided by the lifecycles (starts, nudges, episodes, " +
                    "webhook deliveries, polling); the whole cost until each orchestration ends is in the engine-cost table.");
    }

    public static string P50P99(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return "-";
        return $"{CreationLoad.Ms(sorted[sorted.Length / 2])} / {CreationLoad.Ms(Percentile(sorted, 0.99))}";
    }

    public static double Percentile(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * q) - 1, 0, sorted.Length - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}
