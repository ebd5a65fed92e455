using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PledgFunctions.Benchmarks.Load;

/// <summary><c>POST /api/purchases</c> at concurrency 1, 16 and 64 against the raw insert + enqueue
/// at the same concurrency; the no-op endpoint gives the HTTP floor.</summary>
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
        // Warm-up: JIT, connection pools, the merchant cache, Azurite's tables.
        await Measurement.RunAsync("warm-up", 300, 16, _ => CreateAsync(http), () => 0);
        await Measurement.RunAsync("warm-up", 300, 16, _ => baseline.CreateAsync(now), () => 0);
        await Measurement.RunAsync("warm-up", 300, 16, _ => NoopAsync(http), () => 0);

        report.Heading("Purchase creation (POST /api/purchases, no Idempotency-Key)");
        report.Row("concurrency", "requests", "service req/s", "p50 ms", "p95 ms", "p99 ms", "storage ops/create",
            "baseline creates/s", "baseline p50/p95/p99 ms", "baseline calls/create", "throughput ratio", "p50 ratio", "p99 ratio", "alloc/request", "errors");
        foreach (var (concurrency, count) in new[] { (1, 500), (16, 3000), (64, 4000) })
        {
            var n = Math.Max(50, (int)(count * scale));
            var service_ = await Measurement.RunAsync("create", n, concurrency, _ => CreateAsync(http), () => service.Counter.Total);
            var raw = await Measurement.RunAsync("baseline create", n, concurrency, _ => baseline.CreateAsync(now), () => baseline.Counter.Total);
            report.Row(concurrency, n, service_.PerSecond.ToString("F0"), Ms(service_.Percentile(0.5)), Ms(service_.Percentile(0.95)), Ms(service_.Percentile(0.99)),
                service_.StorageOpsEach.ToString("F2"), raw.PerSecond.ToString("F0"),
                $"{Ms(raw.Percentile(0.5))} / {Ms(raw.Percentile(0.95))} / {Ms(raw.Percentile(0.99))}", raw.StorageOpsEach.ToString("F2"),
                Ratio(raw.PerSecond, service_.PerSecond), Ratio(service_.Percentile(0.5), raw.Percentile(0.5)), Ratio(service_.Percentile(0.99), raw.Percentile(0.99)),
                Kb(service_.AllocatedEach), Errors(service_) + (raw.Failures > 0 ? $" (baseline: {Errors(raw)})" : ""));
            report.Memory($"after creation at concurrency {concurrency}");
        }

        var keyed = await Measurement.RunAsync("create with key", Math.Max(50, (int)(2000 * scale)), 16,
            i => CreateAsync(http, $"bench-{Guid.NewGuid():N}"), () => service.Counter.Total);
        var noop = await Measurement.RunAsync("noop", Math.Max(50, (int)(3000 * scale)), 16, _ => NoopAsync(http), () => service.Counter.Total);
        var baselineAlloc = await Measurement.RunAsync("baseline create", Math.Max(50, (int)(2000 * scale)), 16, _ => baseline.CreateAsync(now), () => baseline.Counter.Total);
        report.Line($"With an Idempotency-Key (unique per request), concurrency 16: {keyed.PerSecond:F0} req/s, p50 {Ms(keyed.Percentile(0.5))} ms, " +
                    $"p99 {Ms(keyed.Percentile(0.99))} ms, {keyed.StorageOpsEach:F2} storage ops/create, {Kb(keyed.AllocatedEach)} allocated/request.");
        report.Line($"HTTP floor (GET /bench/noop through the same middleware, concurrency 16): {noop.PerSecond:F0} req/s, p50 {Ms(noop.Percentile(0.5))} ms, " +
                    $"{Kb(noop.AllocatedEach)} allocated/request (client and server together), {noop.StorageOpsEach:F2} storage ops.");
        report.Line($"Baseline insert + enqueue from this process, concurrency 16: {Kb(baselineAlloc.AllocatedEach)} allocated per create (the Azure SDK's own cost, client side only).");
    }

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
