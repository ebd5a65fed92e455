using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary><c>dotnet run -c Release --project PledgFunctions.Benchmarks -- load [--quick] [--only creation,lifecycles,paced,engine,deadlines,starts,azurite,bare-paced,hosts] [--rates 1,2,3,4] [--minutes 4] [--hub-account separate] [--azurite one-process] [--results run.json]</c>:
/// Azurite (in memory, free ports) and the service in this process on loopback with its standalone
/// Durable Task engine, then purchase creation at concurrency 1/16/64, full lifecycles with
/// 0/1/5/20 pledgers (request latencies), lifecycles arriving at fixed rates (latency below
/// saturation, with the machine's CPU use), the storage calls of whole lifecycles (the engine's
/// included) beside a bare orchestration and the engines' idle cost, with email off and on (contract 1.2),
/// and deadline lateness over 200 purchases (then pledged, with email off and with reminders on), each beside a baseline made in the same run. Only when asked: one start-orchestration
/// call taken apart (<c>--only starts</c>), Azurite's own cost model (<c>--only azurite</c>) and the
/// engine's own work at a lifecycle rate, to run beside another benchmark (<c>--only bare-paced --rates 3 --minutes 4</c>), and both
/// hosts side by side, standalone and the built app under the Functions host (<c>--only hosts</c>). Prints Markdown (docs/benchmarks.md).</summary>
public static class LoadDriver
{
    /// <param name="only">One part or several, comma-separated (<c>lifecycles,engine</c>); null runs every part but azurite.</param>
    private static async Task<TimeSpan> WaitForQuietEngineAsync(InProcessService service)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var before = service.EngineCounter.Total;
            await Task.Delay(TimeSpan.FromSeconds(5));
            if ((service.EngineCounter.Total - before) / 5.0 < 12) break;
        }
        return clock.Elapsed;
    }

    public static async Task<int> RunAsync(bool quick, string? only = null, bool separateHubAccount = false, double[]? rates = null, bool azuriteOneProcess = false,
        double? minutes = null, string? resultsPath = null)
    {
        var parts = only?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        bool Runs(string part) => parts is null ? part is not ("azurite" or "starts" or "bare-paced" or "hosts") : parts.Contains(part);
        var scale = quick ? 0.2 : 1.0;
        var report = new LoadReport();
        Console.WriteLine($"## Load run {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC{(quick ? " (--quick)" : "")}{(only is null ? "" : $" --only {only}")}" +
                          (separateHubAccount ? " (task hub on a second Azurite)" : "") + (azuriteOneProcess ? " (Azurite in one process)" : ""));
        Console.WriteLine();
        Console.WriteLine($"Machine: {LoadReport.Machine()}. Load average before: {LoadReport.LoadAverage()}.");
        var arguments = Environment.GetCommandLineArgs().SkipWhile(a => a != "load").ToList();
        if (arguments.IndexOf("--results") is >= 0 and var at) arguments.RemoveRange(at, Math.Min(2, arguments.Count - at));
        report.Results.Command = string.Join(' ', arguments);
        report.Results.Date = TimeProvider.System.GetUtcNow();
        report.Results.Machine = LoadReport.Machine();
        report.Results.LoadAverageBefore = LoadReport.LoadAverage();

        if (Runs("creation") || Runs("lifecycles") || Runs("paced"))
        {
            // Azurite's three services in one process (one Node.js thread) as before 2026-12-03, for comparison.
            await using var azurite = await Azurite.StartNewAsync(oneProcess: azuriteOneProcess);
            await using var receiver = await WebhookReceiver.StartAsync();
            // The task hub on an account of its own (Pledg:Engine:Connection): a second Azurite, a second Node.js thread.
            await using var hubAzurite = separateHubAccount ? await Azurite.StartNewAsync(oneProcess: azuriteOneProcess) : null;
            await using var service = await InProcessService.StartAsync(azurite, TimeSpan.FromDays(2), hubAzurite: hubAzurite);
            if (Runs("creation"))
                await CreationLoad.RunAsync(service, await Baseline.CreateAsync(azurite.ConnectionString, "Purchases", service.Durable), scale, report);
            if (Runs("creation") && Runs("lifecycles"))
            {
                // Every create started an orchestration whose first episodes may still be queued: let the
                // engine work through them, or the lifecycles would measure the creation runs' backlog.
                var drained = await WaitForQuietEngineAsync(service);
                report.Line($"After the creation runs the engine took {drained.TotalSeconds:F0} s to work through the started orchestrations " +
                            $"(until its calls fell under twice the idle rate). Load average then: {LoadReport.LoadAverage()}.");
            }
            if (Runs("lifecycles"))
                await LifecycleLoad.RunAsync(service, await Baseline.CreateAsync(azurite.ConnectionString), receiver.Url, scale, report);
            if (Runs("paced"))
                await PacedLifecycles.RunAsync(service.Http, receiver.Url, rates ?? PacedLifecycles.DefaultRates, scale, report);
            report.Line($"Load average after creation and lifecycles: {LoadReport.LoadAverage()}.");
        }
        if (Runs("engine")) await EngineCost.RunAsync(scale, report);
        if (Runs("deadlines")) await DeadlineLoad.RunAsync(quick ? 100 : 200, report);
        if (Runs("starts")) await StartCost.RunAsync(scale, report);
        if (Runs("azurite")) await AzuriteCost.RunAsync(scale, report);
        if (Runs("hosts")) await HostComparison.RunAsync(rates ?? PacedLifecycles.DefaultRates, scale, report);
        if (Runs("bare-paced")) await BarePaced.RunAsync(rates?.FirstOrDefault() ?? 3, TimeSpan.FromMinutes(minutes ?? 4), report);

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        report.Line($"Peak working set of this process (driver, in-process services and engines, their HTTP clients; Azurite is a separate node process): " +
                    $"{process.PeakWorkingSet64 / 1048576} MB. Load average after: {LoadReport.LoadAverage()}.");
        if (resultsPath is not null)
        {
            report.Results.LoadAverageAfter = LoadReport.LoadAverage();
            await report.Results.SaveAsync(resultsPath);
            Console.WriteLine($"Results written to {resultsPath} (charts: dotnet run -c Release --project PledgFunctions.Benchmarks -- charts --results {resultsPath} --out docs/benchmarks/).");
        }
        return 0;
    }
}
