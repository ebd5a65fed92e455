using System.Diagnostics;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Faults;

/// <summary>The fault and abuse suite: crash cycles, a storage outage, concurrent duplicates,
/// malformed input and a rate-limit flood, each against the real service process over a real
/// Azurite of its own. Run by <c>dotnet run -c Release --project PledgFunctions.Benchmarks -- faults [--short]</c>.
/// Results and what each check means: docs/reliability.md.</summary>
public static class FaultSuite
{
    public static async Task<FaultReport> RunAsync(FaultSuiteOptions options, Action<string> log, CancellationToken ct = default)
    {
        var report = new FaultReport(log);
        var clock = Stopwatch.StartNew();
        log($"fault suite ({options.Name}), seed {options.Seed}");
        bool Runs(string group) => options.Only is null || options.Only == group;
        Task Crash() => Runs("crash") ? Guarded("crash", () => CrashCycles.RunAsync(options, report, ct), report) : Task.CompletedTask;
        var crash = options.Parallel ? Crash() : Task.CompletedTask;
        if (!options.Parallel) await Crash();
        if (Runs("outage")) await Guarded("outage", () => StorageOutage.RunAsync(options, report, ct), report);
        if (Runs("abuse")) await Guarded("abuse", () => AbuseAsync(options, report, ct), report);
        await crash;
        report.Figure("suite", $"{options.Name} run finished in {clock.Elapsed.TotalSeconds:F0} s with {report.Violations.Count} violation(s)");
        return report;
    }

    /// <summary>Duplicates and malformed input over one Azurite, then the flood over a fresh one (the
    /// engine's work left by the first two would otherwise compete with what the flood measures).</summary>
    private static async Task AbuseAsync(FaultSuiteOptions options, FaultReport report, CancellationToken ct)
    {
        await using var azurite = await Azurite.StartNewAsync();
        var settings = ServiceUnderTest.Settings(azurite);
        settings["Pledg:RateLimits:Enabled"] = "false";
        await using (var service = await ServiceUnderTest.StartAsync(settings, ct))
        {
            await Guarded("duplicates", () => Duplicates.RunAsync(options, service, azurite.ConnectionString, report, ct), report);
            await Guarded("bad-input", () => MalformedRequests.RunAsync(options, service, azurite.ConnectionString, report, ct), report);
            if (service.HasExited) report.Violation("abuse", $"the service process died:\n{service.RecentOutput}");
            else if (report.Violations.Any(v => v.Contains(" 500 ", StringComparison.Ordinal)))
                report.Figure("abuse", $"the service's last log lines (it answered 500):\n{service.RecentOutput}");
        }
        await using var floodStorage = await Azurite.StartNewAsync();
        var flood = ServiceUnderTest.Settings(floodStorage); // the shipped rate limits
        await Guarded("rate-limit", () => RateLimitFlood.RunAsync(options, flood, report, ct), report);
    }

    /// <summary>A phase that throws is a violation of its own; the other phases still run.</summary>
    private static async Task Guarded(string phase, Func<Task> run, FaultReport report)
    {
        try
        {
            await run();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            report.Violation(phase, $"the phase itself failed: {e}");
        }
    }
}
