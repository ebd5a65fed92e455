using System.Diagnostics;
using System.Globalization;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Prints the results as Markdown, ready for docs/benchmarks.md.</summary>
public sealed class LoadReport
{
    private bool _headerDone;

    /// <summary>The figures the charts draw, filled in as the parts run.</summary>
    public LoadResults Results { get; } = new();

    public void Heading(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        _headerDone = false;
    }

    public void Row(params object[] cells)
    {
        Console.WriteLine("| " + string.Join(" | ", cells.Select(c => Convert.ToString(c, CultureInfo.InvariantCulture))) + " |");
        if (_headerDone) return;
        Console.WriteLine("|" + string.Concat(Enumerable.Repeat(" --- |", cells.Length)));
        _headerDone = true;
    }

    public void Line(string text)
    {
        Console.WriteLine();
        Console.WriteLine(text);
    }

    public void Memory(string when)
    {
        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"<!-- memory {when}: working set {process.WorkingSet64 / 1048576} MB, peak {process.PeakWorkingSet64 / 1048576} MB, " +
                          $"GC heap {gc.HeapSizeBytes / 1048576} MB, gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} -->");
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {memory:F0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
               $".NET {Environment.Version}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}";
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
