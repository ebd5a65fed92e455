using System.Diagnostics;
using Microsoft.DurableTask.Client;
using PledgFunctions.Lifecycle;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>The engine's own work at a lifecycle rate, with no application: bare orchestrations
/// (<see cref="BareLifecycle"/>: the lifecycle's waits, a no-op activity per event, the deadline
/// timer and the linger) started at a fixed rate on an engine of the service's kind, on an Azurite
/// of its own, each followed by a pledge and 5 pays' worth of external events 500 ms apart, as
/// <see cref="PacedLifecycles"/> sends its requests. Run it in a second process beside any other
/// benchmark (the pre-engine code's, say) for <c>--minutes</c>: what that benchmark then measures
/// is its own requests on a machine that also does what the engine must do for them, whatever code
/// makes the requests. Prints the start and raise-event latencies (the calls a create and a nudge
/// make) per minute, and this process's and the machine's CPU use.</summary>
public static class BarePaced
{
    private const int Events = 6; // the pledge and 5 pays
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(double rate, TimeSpan duration, LoadReport report)
    {
        await using var azurite = await Azurite.StartNewAsync();
        await using var bare = await BareEngine.StartAsync(azurite.ConnectionString, "BarePaced");
        var client = bare.Client;
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < TimeSpan.FromSeconds(30)) await OneAsync(client, 2, TimeSpan.Zero, [], []);

        report.Heading($"Bare orchestrations at {rate}/s for {duration.TotalMinutes:0.#} min (the lifecycle's waits, no application; {Events} events {Pause.TotalMilliseconds:F0} ms apart)");
        report.Row("minute", "started", "start p50 / p99 ms", "raise event p50 / p99 ms", "engine calls/s", "this process CPU", "machine CPU busy", "failed");
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        var failures = 0;
        var total = (int)(rate * duration.TotalSeconds);
        for (var (minute, next) = (0, 0); next < total; minute++)
        {
            var (starts, raises) = (new List<double>(), new List<double>());
            var (cpu, process, calls, from) = (Cpu.Machine(), Cpu.Process(), bare.Counter.Total, clock.Elapsed);
            var first = next;
            for (var end = Math.Min(total, (int)(rate * 60 * (minute + 1))); next < end; next++)
            {
                if (TimeSpan.FromSeconds(next / rate) - clock.Elapsed is { } wait && wait > TimeSpan.Zero) await Task.Delay(wait);
                running.Add(Guarded(OneAsync(client, Events, Pause, starts, raises), () => Interlocked.Increment(ref failures)));
            }
            var seconds = (clock.Elapsed - from).TotalSeconds;
            report.Row(minute + 1, next - first, LifecycleLoad.P50P99(Snapshot(starts)), LifecycleLoad.P50P99(Snapshot(raises)),
                ((bare.Counter.Total - calls) / seconds).ToString("F0"), Cpu.Process().Since(process, seconds).ToString("F2") + " cores",
                Cpu.Machine().BusySince(cpu).ToString("P0"), failures);
        }
        await Task.WhenAll(running);
    }

    private static async Task Guarded(Task task, Action onFailure)
    {
        try { await task; }
        catch (Exception e)
        {
            onFailure();
            Console.Error.WriteLine($"bare lifecycle failed: {e.Message}");
        }
    }

    private static Task OneAsync(DurableTaskClient client, int events, TimeSpan pause, List<double> starts, List<double> raises) =>
        BareClient.RunOneAsync(client, new BareInput(events, PurchaseLifecycle.LingerAfterFinal, TimeSpan.FromDays(2)), pause,
            ms => Record(starts, ms), ms => Record(raises, ms));

    private static void Record(List<double> into, double ms)
    {
        lock (into) into.Add(ms);
    }

    /// <summary>Lifecycles of the minute before may still be adding theirs.</summary>
    private static double[] Snapshot(List<double> values)
    {
        lock (values) return [.. values];
    }
}
