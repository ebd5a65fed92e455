using System.Diagnostics;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>One measured run: <c>count</c> operations spread over <c>concurrency</c> loops, with
/// each operation's latency, the process's allocations and GCs, and the storage requests counted.
/// An operation that throws (an unexpected status) is counted as a failure, with its latency.</summary>
public sealed record Measurement(string Name, int Count, int Concurrency, TimeSpan Elapsed, double[] LatenciesMs,
    long AllocatedBytes, long StorageOps, int Gen0, int Gen2, int Failures, string? FirstFailure)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;
    public double StorageOpsEach => (double)StorageOps / Count;
    public double AllocatedEach => (double)AllocatedBytes / Count;

    public double Percentile(double q)
    {
        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * q) - 1, 0, sorted.Length - 1)];
    }

    public static async Task<Measurement> RunAsync(string name, int count, int concurrency, Func<int, Task> operation, Func<long> storageOps)
    {
        var latencies = new double[count];
        var next = -1;
        var failures = 0;
        string? firstFailure = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen2) = (GC.CollectionCount(0), GC.CollectionCount(2));
        var ops = storageOps();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(i);
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException or Azure.RequestFailedException or TaskCanceledException or TimeoutException)
                {
                    if (Interlocked.Increment(ref failures) == 1) firstFailure = e.Message;
                }
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        var elapsed = clock.Elapsed;
        return new Measurement(name, count, concurrency, elapsed, latencies, GC.GetTotalAllocatedBytes(precise: true) - allocated,
            storageOps() - ops, GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2, failures, firstFailure);
    }
}
