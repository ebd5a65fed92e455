using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Deadline lateness: purchases created with a short payment window and never touched
/// again, so only their orchestrations' deadline timers can fail them (no read enforces the
/// deadline first: the driver reads the table directly). Lateness = the FAILED write's Timestamp
/// (stamped by storage) minus the deadline; beside it the service's own pledg.deadline.lag metric
/// (its clock read just before the write). Twice, each on a fresh Azurite and service: created as
/// fast as the service takes them (the deadlines then fall as densely as this machine can create,
/// so the figure moves with the machine), and created at a fixed rate (<see cref="PacedRate"/>).</summary>
public static class DeadlineLoad
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>Purchases per second of the paced run: 1.7 million a day on one process.</summary>
    public const double PacedRate = 20;

    public static async Task RunAsync(int purchases, LoadReport report)
    {
        await RunOnceAsync(purchases, null, report);
        await RunOnceAsync(purchases, PacedRate, report);
    }

    private static async Task RunOnceAsync(int purchases, double? rate, LoadReport report)
    {
        await using var azurite = await Azurite.StartNewAsync();
        await using var service = await InProcessService.StartAsync(azurite, Window, "BenchDeadlines");
        var lags = new ConcurrentBag<double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "pledg.deadline.lag") listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Add(value));
        meters.Start();

        var ids = new ConcurrentBag<string>();
        var start = TimeProvider.System.GetUtcNow();
        var created = await Measurement.RunAsync("create", purchases, 8, async i =>
        {
            if (rate is { } perSecond && start + TimeSpan.FromSeconds(i / perSecond) - TimeProvider.System.GetUtcNow() is { Ticks: > 0 } wait) await Task.Delay(wait);
            ids.Add(await CreateAsync(service.Http));
        }, () => service.Counter.Total);
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Purchases");
        var rows = new Dictionary<string, PurchaseEntity>();
        var lastDeadline = DateTimeOffset.MinValue;
        var giveUp = TimeProvider.System.GetUtcNow() + Window + TimeSpan.FromMinutes(5);
        while (TimeProvider.System.GetUtcNow() < giveUp)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            rows.Clear();
            await foreach (var row in table.QueryAsync<PurchaseEntity>(TableClient.CreateQueryFilter($"RowKey eq {PurchaseEntity.Row}")))
                rows[row.PartitionKey] = row;
            lastDeadline = ids.Select(id => rows.TryGetValue(id, out var r) ? r.Deadline : DateTimeOffset.MaxValue).Max();
            if (ids.All(id => rows.TryGetValue(id, out var r) && r.State == PurchaseStates.Failed)) break;
        }

        var failed = ids.Where(id => rows.TryGetValue(id, out var r) && r.State == PurchaseStates.Failed).Select(id => rows[id]).ToList();
        var lateness = failed.Select(r => (r.Timestamp!.Value - r.Deadline).TotalMilliseconds).Order().ToArray();
        var metric = lags.Order().ToArray();
        report.Results.Lateness.Add(new LatenessRun(rate is { } paced ? $"standalone, {paced:F0}/s" : "standalone, burst", purchases, lateness));
        report.Heading($"Deadline lateness: {purchases} purchases created {(rate is { } r ? $"at {r:F0}/s" : "as fast as the service takes them")}, " +
                       $"payment window {Window.TotalSeconds:F0} s, nothing but their orchestrations to fail them");
        report.Row("measure", "purchases", "p50 ms", "p99 ms", "max ms", "min ms", "target p99 ≤ 2,000 ms");
        report.Row("FAILED row's Timestamp − deadline", lateness.Length, Ms(lateness, 0.5), Ms(lateness, 0.99), Ms(lateness, 1), Ms(lateness, 0),
            lateness.Length > 0 && LifecycleLoad.Percentile(lateness, 0.99) <= 2000 ? "met" : "MISSED");
        report.Row("pledg.deadline.lag (service clock before the write)", metric.Length, Ms(metric, 0.5), Ms(metric, 0.99), Ms(metric, 1), Ms(metric, 0), "");
        // A paced create's latency includes its wait for its slot: only the burst's p99 says something.
        var createP99 = rate is null ? $", p99 {CreationLoad.Ms(created.Percentile(0.99))} ms" : "";
        report.Line($"Created at {created.PerSecond:F1}/s (concurrency 8{createP99}, {created.Failures} errors); " +
                    $"{failed.Count} of {ids.Count} FAILED, the last deadline at {lastDeadline:HH:mm:ss}. Load average now: {LoadReport.LoadAverage()}.");
        if (failed.Count < ids.Count) report.Line($"WARNING: {ids.Count - failed.Count} purchases were not FAILED 5 minutes after their window.");
    }

    private static async Task<string> CreateAsync(HttpClient http)
    {
        using var response = await http.PostAsync("/api/purchases", new ByteArrayContent("""
            {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR","cart":[{"name":"Tent","quantity":1,"unitAmount":12000}],"reference":"late-1"}
            """u8.ToArray())
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") },
        });
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static string Ms(double[] sorted, double q) => sorted.Length == 0 ? "-" : CreationLoad.Ms(LifecycleLoad.Percentile(sorted, q));
}
