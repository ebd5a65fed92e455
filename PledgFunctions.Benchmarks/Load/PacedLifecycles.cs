using System.Diagnostics;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Lifecycles arriving at fixed rates (an open loop, as a shop's buyers arrive): a new
/// lifecycle every 1/rate s whatever the ones before are doing, each create → pledge (5 pledgers)
/// → 5 pays with a pause between its requests. The sequential part (LifecycleLoad) measures latency
/// with the machine saturated, where each request waits behind the work of the one before; this
/// part measures it at loads below that, with the machine's CPU use beside each rate.</summary>
public static class PacedLifecycles
{
    private const int Pledgers = 5;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);
    public static readonly double[] DefaultRates = [1, 2, 3, 4];

    public static async Task RunAsync(HttpClient http, string notificationUrl, double[] rates, double scale, LoadReport report, string host = "standalone")
    {
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < TimeSpan.FromSeconds(30)) await LifecycleLoad.RunOneAsync(http, 2, notificationUrl);

        report.Heading($"Lifecycles arriving at a fixed rate (open loop; {Pledgers} pledgers, {Pause.TotalMilliseconds:F0} ms between a lifecycle's requests)");
        report.Row("lifecycles/s", "requests/s", "lifecycles", "machine CPU busy", "create p50 / p99 ms", "pledge p50 / p99 ms", "pay p50 / p99 ms", "failed lifecycles");
        foreach (var rate in rates)
        {
            var window = TimeSpan.FromSeconds(Math.Max(20, 60 * scale));
            var count = (int)(rate * window.TotalSeconds);
            var cpuBefore = Cpu.Machine();
            var clock = Stopwatch.StartNew();
            var running = new List<Task<LifecycleLoad.Steps?>>(count);
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
                running.Add(RunAsync(http, notificationUrl));
            }
            var steps = (await Task.WhenAll(running)).OfType<LifecycleLoad.Steps>().ToArray();
            var busy = Cpu.Machine().BusySince(cpuBefore);
            var (create, pledge, pay) = (steps.Select(s => s.CreateMs).ToArray(), steps.Select(s => s.PledgeMs).ToArray(), steps.SelectMany(s => s.PayMs).ToArray());
            report.Results.Paced.Add(new PacedPoint(host, rate, count, count - steps.Length, busy,
                P(create, 0.5), P(create, 0.99), P(pledge, 0.5), P(pledge, 0.99), P(pay, 0.5), P(pay, 0.99)));
            report.Row(rate, (rate * (2 + Pledgers)).ToString("F0"), count, busy.ToString("P0"),
                LifecycleLoad.P50P99(steps.Select(s => s.CreateMs)), LifecycleLoad.P50P99(steps.Select(s => s.PledgeMs)),
                LifecycleLoad.P50P99(steps.SelectMany(s => s.PayMs)), count - steps.Length);
            // The engine's follow-ups of the last lifecycles (captures, reimbursements, webhooks) end before the next rate starts.
            await Task.Delay(TimeSpan.FromSeconds(15));
        }
    }

    private static double P(double[] values, double q) => values.Length == 0 ? double.NaN : LifecycleLoad.Percentile([.. values.Order()], q);

    private static async Task<LifecycleLoad.Steps?> RunAsync(HttpClient http, string notificationUrl)
    {
        try
        {
            return await LifecycleLoad.RunOneAsync(http, Pledgers, notificationUrl, Pause);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"paced lifecycle failed: {e.Message}");
            return null;
        }
    }
}
