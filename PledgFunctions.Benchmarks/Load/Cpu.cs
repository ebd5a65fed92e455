namespace PledgFunctions.Benchmarks.Load;

/// <summary>CPU use over a window: the machine's (every process, Azurite's included) and this process's.</summary>
public static class Cpu
{
    /// <summary>The machine's CPU counters (/proc/stat).</summary>
    public readonly record struct MachineTimes(long Busy, long Total)
    {
        public double BusySince(MachineTimes before) => Total == before.Total ? 0 : (double)(Busy - before.Busy) / (Total - before.Total);
    }

    /// <summary>This process's CPU time, all threads.</summary>
    public readonly record struct ProcessTimes(TimeSpan Used)
    {
        /// <summary>In cores: 1.0 is one core busy throughout.</summary>
        public double Since(ProcessTimes before, double seconds) => seconds <= 0 ? 0 : (Used - before.Used).TotalSeconds / seconds;
    }

    public static MachineTimes Machine()
    {
        if (!File.Exists("/proc/stat")) return default;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        var total = fields.Take(8).Sum(); // user nice system idle iowait irq softirq steal
        return new MachineTimes(total - idle, total);
    }

    public static ProcessTimes Process()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new ProcessTimes(process.TotalProcessorTime);
    }
}
