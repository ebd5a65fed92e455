using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary><c>dotnet run -c Release --project PledgFunctions.Benchmarks -- load [--quick] [--only creation|lifecycles|sweep|azurite]</c>: Azurite
/// (in memory, free ports) and the service in this process on loopback, then purchase creation at
/// concurrency 1/16/64, full lifecycles with 0/1/5/20 pledgers, what a lifecycle costs after its
/// last request, the deadline sweep over 10,000 overdue purchases, each beside a baseline of raw
/// storage calls made in the same run, and Azurite's own cost model. Prints Markdown (docs/benchmarks.md).</summary>
public static class LoadDriver
{
    public static async Task<int> RunAsync(bool quick, string? only = null)
    {
        var scale = quick ? 0.2 : 1.0;
        var report = new LoadReport();
        Console.WriteLine($"## Load run {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC{(quick ? " (--quick)" : "")}");
        Console.WriteLine();
        Console.WriteLine($"Machine: {LoadReport.Machine()}. Load average before: {LoadReport.LoadAverage()}.");

        if (only is null or "creation" or "lifecycles")
        {
            await using var azurite = await Azurite.StartNewAsync();
            await using var service = await InProcessService.StartAsync(azurite, TimeSpan.FromDays(2));
            var baseline = await Baseline.CreateAsync(azurite.ConnectionString);
            if (only is null or "creation") await CreationLoad.RunAsync(service, baseline, scale, report);
            if (only is null or "lifecycles") await LifecycleLoad.RunAsync(service, baseline, scale, report);
        }
        if (only is null or "sweep") await SweepLoad.RunAsync(scale, report);
        if (only is null or "azurite") await AzuriteCost.RunAsync(scale, report);

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        report.Line($"Peak working set of this process (driver, in-process service and its HTTP clients; Azurite is a separate node process): " +
                    $"{process.PeakWorkingSet64 / 1048576} MB. Load average after: {LoadReport.LoadAverage()}.");
        return 0;
    }
}
