using BenchmarkDotNet.Running;
using PledgFunctions.Benchmarks.Load;
using PledgFunctions.Benchmarks.Micro;
using PledgFunctions.Faults;

// dotnet run -c Release --project PledgFunctions.Benchmarks -- micro [BenchmarkDotNet arguments]
// dotnet run -c Release --project PledgFunctions.Benchmarks -- load [--quick] [--only creation,lifecycles,paced,engine,deadlines,starts,azurite,bare-paced,hosts] [--rates 1,2,3,4] [--minutes 4] [--hub-account separate] [--azurite one-process] [--results run.json]
// dotnet run -c Release --project PledgFunctions.Benchmarks -- charts --results run.json[,hosts.json] --out docs/benchmarks/
// dotnet run -c Release --project PledgFunctions.Benchmarks -- faults [--short] [--seed N] [--only crash|outage|abuse] [--cycles N] [--lifetime s] [--window s] [--settle s]
var command = args.FirstOrDefault();
var rest = args.Skip(1).ToArray();
switch (command)
{
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(SplitBenchmarks).Assembly).Run(rest.Length > 0 ? rest : ["--filter", "*"]);
        return 0;
    case "load":
        return await LoadDriver.RunAsync(quick: rest.Contains("--quick"), only: Value("--only"),
            separateHubAccount: Value("--hub-account") == "separate", azuriteOneProcess: Value("--azurite") == "one-process", rates: Value("--rates")?.Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            minutes: Value("--minutes") is { } minutes ? double.Parse(minutes, System.Globalization.CultureInfo.InvariantCulture) : null,
            resultsPath: Value("--results"));
    case "charts":
        if (Value("--results") is not { } results)
        {
            Console.Error.WriteLine("usage: charts --results run.json[,hosts.json] --out docs/benchmarks/ (the files `load ... --results` wrote)");
            return 2;
        }
        return await PledgFunctions.Benchmarks.Charts.BenchmarkCharts.RunAsync(results.Split(','), Value("--out") ?? "docs/benchmarks");
    case "faults":
        var options = rest.Contains("--short") ? FaultSuiteOptions.Short : FaultSuiteOptions.Full;
        if (Array.IndexOf(rest, "--seed") is >= 0 and var at && at + 1 < rest.Length) options = options with { Seed = int.Parse(rest[at + 1]) };
        if (Array.IndexOf(rest, "--only") is >= 0 and var only && only + 1 < rest.Length) options = options with { Only = rest[only + 1] };
        // The crash phase's shape, for a slower machine (a process must live long enough to start and answer).
        if (Value("--cycles") is { } cycles) options = options with { CrashCycles = int.Parse(cycles) };
        if (Value("--lifetime") is { } lifetime) options = options with { MaxLifetime = TimeSpan.FromSeconds(double.Parse(lifetime)) };
        if (Value("--window") is { } window) options = options with { PaymentWindow = TimeSpan.FromSeconds(double.Parse(window)) };
        if (Value("--settle") is { } settle) options = options with { SettleAllowance = TimeSpan.FromSeconds(double.Parse(settle)) };
        var report = await FaultSuite.RunAsync(options, line => Console.WriteLine($"{TimeProvider.System.GetUtcNow():HH:mm:ss} {line}"));
        Console.WriteLine();
        Console.WriteLine(report.Violations.Count == 0 ? "No violation." : $"{report.Violations.Count} violation(s):");
        foreach (var violation in report.Violations.Take(100)) Console.WriteLine("  " + violation);
        return report.Violations.Count == 0 ? 0 : 1;
    default:
        Console.Error.WriteLine("usage: micro [BenchmarkDotNet args] | load [--quick] [--only creation,lifecycles,paced,engine,deadlines,starts,azurite,bare-paced,hosts] [--rates 1,2,3,4] [--minutes 4] [--hub-account separate] [--azurite one-process] [--results run.json] | charts --results run.json[,hosts.json] --out docs/benchmarks/ | faults [--short] [--seed N] [--only crash|outage|abuse] [--cycles N] [--lifetime s] [--window s] [--settle s]");
        return 2;
}

string? Value(string name) => Array.IndexOf(args, name) is >= 0 and var i && i + 1 < args.Length ? args[i + 1] : null;
