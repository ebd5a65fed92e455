using PledgFunctions.Benchmarks.Load;

namespace PledgFunctions.Benchmarks.Charts;

/// <summary><c>charts --results run.json[,hosts.json] --out docs/benchmarks/</c>: the charts of
/// docs/benchmarks.md, drawn from the results of load runs (several files are drawn together, a subtitle line each).
/// A chart whose part did not run is not written, so an older file of that name stays.</summary>
public static class BenchmarkCharts
{
    public static async Task<int> RunAsync(string[] resultFiles, string outDirectory)
    {
        var runs = resultFiles.Select(LoadResults.Load).ToList();
        Directory.CreateDirectory(outDirectory);
        string Subtitle(Func<LoadResults, bool> drawn) => string.Join("\n", runs.Where(drawn).Select(r =>
            $"{r.Command} · {r.Date:yyyy-MM-dd HH:mm} UTC · load average {r.LoadAverageBefore.Split(' ')[0]}"));
        var written = new List<string>();

        async Task WriteAsync(string name, string svg)
        {
            await File.WriteAllTextAsync(Path.Combine(outDirectory, name), svg);
            written.Add(name);
        }

        // A `hosts` run measures the standalone host again beside the Functions host: each host is
        // drawn from the last file that has it, so the hosts compared come from one run.
        var pacedRuns = runs.Where(r => r.Paced.Count > 0).ToList();
        var paced = pacedRuns.SelectMany(r => r.Paced.Select(p => p.Host)).Distinct()
            .Select(host => pacedRuns.Last(r => r.Paced.Any(p => p.Host == host)).Paced.Where(p => p.Host == host).OrderBy(p => p.Rate).ToList()).ToList();
        if (paced.Count > 0)
        {
            await WriteAsync("paced-latency.svg", LineChart.Render("Request latency at fixed lifecycle rates", Subtitle(r => paced.Any(host => r.Paced.Contains(host[0]))), "lifecycles/s (5 pledgers each)", "ms",
            [
                // A colour per measure, a line style per host (the standalone solid).
                .. paced.SelectMany((host, h) => new[]
                {
                    new Series($"{host[0].Host} create p99", [.. host.Select(p => (p.Rate, p.CreateP99))], h > 0, 0),
                    new Series($"{host[0].Host} pledge p99", [.. host.Select(p => (p.Rate, p.PledgeP99))], h > 0, 1),
                    new Series($"{host[0].Host} pay p99", [.. host.Select(p => (p.Rate, p.PayP99))], h > 0, 2),
                    new Series($"{host[0].Host} pay p50", [.. host.Select(p => (p.Rate, p.PayP50))], h > 0, 3),
                }),
            ]));
            await WriteAsync("paced-cpu.svg", LineChart.Render("Machine CPU busy at fixed lifecycle rates", Subtitle(r => paced.Any(host => r.Paced.Contains(host[0]))), "lifecycles/s (5 pledgers each)", "% of 2 cores",
                [.. paced.Select((host, h) => new Series(host[0].Host, [.. host.Select(p => (p.Rate, p.CpuBusy * 100))], h > 0))]));
        }

        var cost = runs.SelectMany(r => r.EngineCost).OrderBy(c => c.Pledgers).ToList();
        if (cost.Count > 0)
            await WriteAsync("engine-calls.svg", LineChart.Render("Storage calls per whole lifecycle, idle polling removed", Subtitle(r => r.EngineCost.Count > 0), "pledgers N", "calls per lifecycle",
            [
                new Series("lifecycle: engine + app", [.. cost.Select(c => ((double)c.Pledgers, c.EngineCalls + c.AppOps))]),
                new Series("lifecycle: engine", [.. cost.Select(c => ((double)c.Pledgers, c.EngineCalls))]),
                new Series("lifecycle: app", [.. cost.Select(c => ((double)c.Pledgers, c.AppOps))]),
                new Series("bare orchestration", [.. cost.Select(c => ((double)c.Pledgers, c.BareEngineCalls))]),
                new Series("target 1.3 × bare + app", [.. cost.Select(c => ((double)c.Pledgers, 1.3 * c.BareEngineCalls + c.AppOps))], Dashed: true, Dots: false),
            ]));

        var messages = runs.SelectMany(r => r.MessagesCost).OrderBy(c => c.Pledgers).ToList();
        if (messages.Count > 0)
            await WriteAsync("messages-calls.svg", LineChart.Render("Calls per whole lifecycle, email on vs off (contract 1.2)", Subtitle(r => r.MessagesCost.Count > 0), "pledgers N", "calls per lifecycle",
            [
                // A colour per measure, email off dashed.
                new Series("on: engine + app", [.. messages.Select(c => ((double)c.Pledgers, c.OnEngineCalls + c.OnAppOps))], Color: 0),
                new Series("off: engine + app", [.. messages.Select(c => ((double)c.Pledgers, c.OffEngineCalls + c.OffAppOps))], Dashed: true, Color: 0),
                new Series("on: engine work calls", [.. messages.Select(c => ((double)c.Pledgers, c.OnWorkCalls))], Color: 1),
                new Series("off: engine work calls", [.. messages.Select(c => ((double)c.Pledgers, c.OffWorkCalls))], Dashed: true, Color: 1),
                new Series("on: app", [.. messages.Select(c => ((double)c.Pledgers, c.OnAppOps))], Color: 2),
                new Series("off: app", [.. messages.Select(c => ((double)c.Pledgers, c.OffAppOps))], Dashed: true, Color: 2),
            ]));

        var lateness = runs.SelectMany(r => r.Lateness).Where(l => l.LatenessMs.Length > 0).ToList();
        if (lateness.Count > 0)
            await WriteAsync("deadline-lateness.svg", LineChart.Render("Deadline lateness, sorted", Subtitle(r => r.Lateness.Count > 0), "share of purchases FAILED (%)", "ms after the deadline",
            [
                .. lateness.Select(l => new Series($"{l.Label} ({l.LatenessMs.Length})",
                    [.. l.LatenessMs.Select((ms, i) => (100.0 * (i + 1) / l.LatenessMs.Length, ms))])),
                new Series("target p99 2,000 ms", [(0, 2000), (100, 2000)], Dashed: true, Color: 7, Dots: false),
            ]));

        Console.WriteLine($"Wrote {string.Join(", ", written)} to {outDirectory} from {string.Join(", ", resultFiles)}.");
        return written.Count > 0 ? 0 : 1;
    }
}
