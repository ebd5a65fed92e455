using System.Diagnostics;
using Azure.Data.Tables;
using System.Net.Http.Json;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary><c>--only hosts</c>: the same open-loop lifecycles (PacedLifecycles) and the same
/// deadline lateness measured on both hosts in one run, each on a fresh Azurite: standalone
/// (PledgApp in this process, its engine in-process behind the sidecar) and the built app under
/// the real Functions host (its Durable extension runs the orchestrations; the worker is a process
/// of its own), rate limits off on both. The standalone is the baseline of the same run.</summary>
public static class HostComparison
{
    private const int DeadlinePurchases = 100;
    private const double DeadlineRate = 10;
    private static readonly TimeSpan DeadlineWindow = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(double[] rates, double scale, LoadReport report)
    {
        var host = FunctionsHostCommand.Find() ?? throw new InvalidOperationException(
            $"no Functions host: install Core Tools (func) or put the host built from source at {FunctionsHostCommand.SharedStartScript}");
        report.Heading($"Both hosts: standalone, then the Functions host ({host.Name})");

        foreach (var functions in new[] { false, true })
        {
            var name = functions ? "Functions host" : "standalone";
            await using (var azurite = await Azurite.StartNewAsync())
            await using (var receiver = await WebhookReceiver.StartAsync())
            {
                var (http, stop) = await StartAsync(functions, host, azurite, TimeSpan.FromDays(2));
                try
                {
                    report.Line($"**{name}**, lifecycles at fixed rates:");
                    await PacedLifecycles.RunAsync(http, receiver.Url, rates, scale, report, name);
                }
                finally
                {
                    await stop();
                }
            }
            await using (var azurite = await Azurite.StartNewAsync())
            {
                var (http, stop) = await StartAsync(functions, host, azurite, DeadlineWindow);
                try
                {
                    await LatenessAsync(name, http, azurite, report);
                }
                finally
                {
                    await stop();
                }
            }
        }
    }

    private static async Task<(HttpClient Http, Func<Task> Stop)> StartAsync(bool functions, FunctionsHostCommand host, Azurite azurite, TimeSpan window)
    {
        if (!functions)
        {
            var service = await InProcessService.StartAsync(azurite, window);
            return (service.Http, async () => await service.DisposeAsync());
        }
        var process = await FunctionsHostService.StartAsync(host, azurite, new Dictionary<string, string>
        {
            ["Pledg:PaymentWindow"] = window.ToString(),
            ["Pledg:RateLimits:Enabled"] = "false",
            // As the standalone service here (InProcessService): no SMTP server, so no email.
            ["Pledg:Email:Enabled"] = "false",
            // The webhook receiver is on loopback; Production refuses that by default (SSRF guard).
            ["Pledg:Webhooks:AllowPrivateNetworks"] = "true",
            ["Pledg:BootstrapMerchants:0:Name"] = "Bench Shop",
            ["Pledg:BootstrapMerchants:0:ApiKey"] = InProcessService.MerchantKey,
            ["Pledg:BootstrapMerchants:0:WebhookSecret"] = "whsec_bench_merchant_0123456789",
        });
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", InProcessService.MerchantKey);
        return (http, async () =>
        {
            http.Dispose();
            await process.DisposeAsync();
        });
    }

    /// <summary>Purchases created at a fixed rate and never touched again: only the engine's deadline
    /// timers fail them. Lateness = the FAILED write's storage Timestamp minus the deadline, read
    /// from the table (a read through the API would write FAILED itself).</summary>
    private static async Task LatenessAsync(string name, HttpClient http, Azurite azurite, LoadReport report)
    {
        var ids = new List<string>();
        var clock = Stopwatch.StartNew();
        var creating = new List<Task<string>>();
        for (var i = 0; i < DeadlinePurchases; i++)
        {
            var due = TimeSpan.FromSeconds(i / DeadlineRate) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            creating.Add(CreateAsync(http));
        }
        ids.AddRange(await Task.WhenAll(creating));
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Purchases");
        var waited = Stopwatch.StartNew();
        List<PurchaseEntity> rows;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            rows = [.. await Task.WhenAll(ids.Select(async id => (await table.GetEntityAsync<PurchaseEntity>(id, PurchaseEntity.Row)).Value))];
        } while (rows.Any(r => r.State != PurchaseStates.Failed) && waited.Elapsed < DeadlineWindow + TimeSpan.FromMinutes(3));
        var late = rows.Where(r => r.State == PurchaseStates.Failed).Select(r => (r.Timestamp!.Value - r.Deadline).TotalMilliseconds).Order().ToArray();
        report.Results.Lateness.Add(new LatenessRun($"{name}, {DeadlineRate:F0}/s", DeadlinePurchases, late));
        report.Line($"**{name}**, deadline lateness of {DeadlinePurchases} purchases created at {DeadlineRate}/s (window {DeadlineWindow.TotalSeconds:F0} s): " +
                    $"p50 {LifecycleLoad.Percentile(late, 0.5):F0} ms, p99 {LifecycleLoad.Percentile(late, 0.99):F0} ms, max {late[^1]:F0} ms; " +
                    $"{rows.Count - late.Length} not FAILED after {waited.Elapsed.TotalSeconds:F0} s.");
    }

    private static async Task<string> CreateAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/purchases", new { organizerEmail = $"late+{Guid.NewGuid():N}@example.com", amount = 1000, currency = "EUR" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
    }
}
