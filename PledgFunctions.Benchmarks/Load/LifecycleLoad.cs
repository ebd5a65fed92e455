using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Full lifecycles, one at a time: create → pledge with N pledgers → every pledger pays.
/// Storage operations per lifecycle come from the service's StorageOperationCounter (the sandbox
/// gateway's own table calls are not counted: it stands in for the card network).</summary>
public static class LifecycleLoad
{
    private static readonly object Card = new { number = "4242424242424242", expMonth = 12, expYear = 2030, cvc = "123" };

    public sealed record Steps(double CreateMs, double PledgeMs, double[] PayMs);

    /// <summary>One lifecycle; <paramref name="payAll"/> false leaves the last pledger unpaid (the purchase expires).</summary>
    public static async Task<Steps> RunOneAsync(HttpClient http, int pledgers, string? notificationUrl, bool payAll = true)
    {
        var clock = Stopwatch.StartNew();
        using var created = await PostAsync(http, "/api/purchases", new
        {
            organizerEmail = "alice@example.com", amount = 12000, currency = "EUR",
            cart = new[] { new { name = "Tent", quantity = 1, unitAmount = 12000 } }, reference = "order-123", notificationUrl,
        });
        var purchase = await Expect(created, HttpStatusCode.Created);
        var createMs = clock.Elapsed.TotalMilliseconds;

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
        foreach (var share in payAll ? shares : shares.SkipLast(1))
        {
            clock.Restart();
            using var paid = await PostAsync(http, $"/api/shares/{share}/pay", new { card = Card });
            await Expect(paid, HttpStatusCode.OK);
            pays.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new Steps(createMs, pledgeMs, [.. pays]);
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

    public static async Task RunAsync(InProcessService service, Baseline baseline, double scale, LoadReport report)
    {
        var http = service.Http;
        // Nothing listens there and workers are off: the outbox rows and delivery messages are written, nothing is sent.
        var notificationUrl = "http://127.0.0.1:9/pledg-events";
        for (var i = 0; i < 10; i++) await RunOneAsync(http, 2, notificationUrl);
        for (var i = 0; i < 10; i++) await baseline.LifecycleAsync(2, TimeProvider.System.GetUtcNow());

        report.Heading("Full lifecycles, sequential (create → pledge → every pledger pays)");
        using var gateway = new GatewayCallCounter();
        report.Row("pledgers N", "notificationUrl", "lifecycles", "storage ops/lifecycle", "target 2N+6", "baseline calls (2N+4)", "ops ratio",
            "sandbox gateway calls (not counted)", "service ms/lifecycle (p50)", "baseline ms/lifecycle (p50)", "time ratio", "create / pledge / pay p50 ms", "alloc/lifecycle");
        foreach (var pledgers in new[] { 0, 1, 5, 20 })
        {
            var count = Math.Max(5, (int)((pledgers == 20 ? 20 : 50) * scale));
            foreach (var url in new[] { notificationUrl, null })
            {
                var steps = new Steps[count];
                var gatewayBefore = gateway.Total;
                var measured = await Measurement.RunAsync("lifecycle", count, 1,
                    async i => steps[i] = await RunOneAsync(http, pledgers, url), () => service.Counter.Total);
                var gatewayCalls = (double)(gateway.Total - gatewayBefore) / count;
                var raw = await Measurement.RunAsync("baseline lifecycle", count, 1,
                    _ => baseline.LifecycleAsync(pledgers, TimeProvider.System.GetUtcNow()), () => baseline.Counter.Total);
                var pay = steps.SelectMany(s => s.PayMs).Order().ToArray();
                report.Row(pledgers, url is null ? "no" : "yes", count, measured.StorageOpsEach.ToString("F2"), 2 * pledgers + 6,
                    raw.StorageOpsEach.ToString("F2"), CreationLoad.Ratio(measured.StorageOpsEach, raw.StorageOpsEach), gatewayCalls.ToString("F2"),
                    CreationLoad.Ms(measured.Percentile(0.5)), CreationLoad.Ms(raw.Percentile(0.5)),
                    CreationLoad.Ratio(measured.Percentile(0.5), raw.Percentile(0.5)),
                    $"{CreationLoad.Ms(Median(steps.Select(s => s.CreateMs)))} / {CreationLoad.Ms(Median(steps.Select(s => s.PledgeMs)))} / " +
                    (pay.Length == 0 ? "-" : CreationLoad.Ms(Median(pay))),
                    CreationLoad.Kb(measured.AllocatedEach));
            }
            report.Memory($"after lifecycles with {pledgers} pledgers");
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}
