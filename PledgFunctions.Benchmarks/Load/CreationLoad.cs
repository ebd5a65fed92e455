using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PledgFunctions.Benchmarks.Load;

/// <summary><c>POST /api/purchases</c> at concurrency 1, 16 and 64 against what a create minimally
/// is on this engine, done by the driver at the same concurrency: the engine's start-orchestration
/// call (DurableTaskClient.ScheduleNewOrchestrationInstanceAsync on the service's own engine) and a
/// raw insert of the purchase row. The no-op endpoint gives the HTTP floor.</summary>
public static class CreationLoad
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR",
         "cart":[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}],
         "reference":"order-123"}
        """);

    public static async Task CreateAsync(HttpClient http, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task RunAsync(InProcessService service, Baseline baseline, double scale, LoadReport report)
    {
        var http = service.Http;
        var now = TimeProvider.System.GetUtcNow();
        // Warm-up: JIT, connection pools, the merchant cache, Azurite's tables, the sidecar's channel.
        await Measurement.RunAsync("warm-up", 100, 16, _ => CreateAsync(http), () => 0);
        await Measurement.RunAsync("warm-up", 100, 16, _ => baseline.CreateAsync(now), () => 0);
        await Measurement.RunAsync("warm-up", 100, 16, _ => NoopAsync(http), () => 0);

        report.Heading("Purchase creation (POST /api/purchases, no Idempotency-Key)");
        report.Row("concurrency", "requests", "service req/s", "p50 / p95 / p99 ms", "app ops/create", "engine calls/create",
            "baseline creates/s", "baseline p50 / p95 / p99 ms", "baseline app calls", "baseline engine calls", "throughput ratio", "p50 ratio", "p99 ratio", "alloc/request", "errors");
        foreach (var (concurrency, count) in new[] { (1, 100), (16, 300), (64, 500) })
        {
            var n = Math.Max(50, (int)(count * scale));
            var engineBefore = service.EngineCounter.Total;
            var measured = await Measurement.RunAsync("create", n, concurrency, _ => CreateAsync(http), () => service.Counter.Total);
            var engineService = (double)(service.EngineCounter.Total - engineBefore) / n;
            engineBefore = service.EngineCounter.Total;
            var raw = await Measurement.RunAsync("baseline create", n, concurrency, _ => baseline.CreateAsync(now), () => baseline.Counter.Total);
            var engineRaw = (double)(service.EngineCounter.Total - engineBefore) / n;
            report.Row(concurrency, n, measured.PerSecond.ToString("F0"), Triple(measured),
                measured.StorageOpsEach.ToString("F2"), engineService.ToString("F2"), raw.PerSecond.ToString("F0"), Triple(raw),
                raw.StorageOpsEach.ToString("F2"), engineRaw.ToString("F2"),
                Ratio(raw.PerSecond, measured.PerSecond), Ratio(measured.Percentile(0.5), raw.Percentile(0.5)), Ratio(measured.Percentile(0.99), raw.Percentile(0.99)),
                Kb(measured.AllocatedEach), Errors(measured) + (raw.Failures > 0 ? $" (baseline: {Errors(raw)})" : ""));
            report.Memory($"after creation at concurrency {concurrency}");
        }

        var noop = await Measurement.RunAsync("noop", Math.Max(50, (int)(2000 * scale)), 16, _ => NoopAsync(http), () => service.Counter.Total);
        report.Line($"HTTP floor (GET /bench/noop through the same middleware, concurrency 16): {noop.PerSecond:F0} req/s, p50 {Ms(noop.Percentile(0.5))} ms, " +
                    $"p99 {Ms(noop.Percentile(0.99))} ms, {Kb(noop.AllocatedEach)} allocated/request (client and server together).");
        report.Line("Engine calls per create are the engine's requests during the run divided by the creates: the start itself, the first " +
                    "episode of each new orchestration (its observation and its deadline timer) and the engine's polling meanwhile.");
    }

    public static string Triple(Measurement m) => $"{Ms(m.Percentile(0.5))} / {Ms(m.Percentile(0.95))} / {Ms(m.Percentile(0.99))}";

    private static async Task NoopAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/bench/noop");
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"noop answered {(int)response.StatusCode}");
    }

    public static string Errors(Measurement m) => m.Failures == 0 ? "0" : $"{m.Failures} ({m.FirstFailure?[..Math.Min(m.FirstFailure.Length, 60)]})";

    public static string Ms(double ms) => ms.ToString(ms < 10 ? "F2" : "F1");

    public static string Kb(double bytes) => $"{bytes / 1024:F1} KB";

    public static string Ratio(double value, double baseline) => baseline <= 0 ? "-" : $"{value / baseline:F2}×";
}
