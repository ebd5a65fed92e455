using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Azure.Data.Tables;
using PledgFunctions.Deadlines;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>What a lifecycle costs after its last request (its two timer messages and its due-index
/// row), and the safety-net sweep over 10,000 overdue purchases against merely reading them.
/// Workers are off: the driver drains the timer queue and runs the sweep itself, through the
/// service's own DeadlineProcessor and DeadlineSweep, so every call is counted.</summary>
public static class SweepLoad
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(double scale, LoadReport report)
    {
        await using var azurite = await Azurite.StartNewAsync();
        await using var service = await InProcessService.StartAsync(azurite, Window);

        report.Heading("After the last request: timers and due-index cleanup (window 5 s, then drained)");
        report.Row("lifecycle (N = 5, notificationUrl)", "lifecycles", "request-path ops/lifecycle", "deferred ops/lifecycle", "of which timer messages", "of which sweep");
        foreach (var payAll in new[] { true, false })
        {
            var count = Math.Max(5, (int)(20 * scale));
            var before = service.Counter.Total;
            for (var i = 0; i < count; i++) await LifecycleLoad.RunOneAsync(service.Http, 5, "http://127.0.0.1:9/pledg-events", payAll);
            var requests = service.Counter.Total - before;
            await Task.Delay(Window + TimeSpan.FromSeconds(2)); // every timer visible (their delays are rounded up to the second)
            var drained = service.Counter.Total;
            await DrainTimersAsync(service);
            var swept = service.Counter.Total;
            await service.Services.GetRequiredService<DeadlineSweep>().RunOnceAsync(CancellationToken.None);
            var after = service.Counter.Total;
            report.Row(payAll ? "paid in full (SUCCESSFULL)" : "one share unpaid (expires)", count, ((double)requests / count).ToString("F2"),
                ((double)(after - drained) / count).ToString("F2"), ((double)(swept - drained) / count).ToString("F2"), ((double)(after - swept) / count).ToString("F2"));
        }

        var purchases = Math.Max(500, (int)(10_000 * scale));
        var created = await Measurement.RunAsync("bulk create", purchases, 64, _ => CreationLoad.CreateAsync(service.Http), () => service.Counter.Total);
        var ids = new List<string>();
        var table = service.Services.GetRequiredService<StorageClients>().Purchases;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {PurchaseEntity.Row} and State eq {PurchaseStates.Initialized}"),
                           select: ["PartitionKey"]))
            ids.Add(row.PartitionKey);
        await Task.Delay(Window + TimeSpan.FromSeconds(1)); // the last one created is overdue too
        report.Memory($"after creating {purchases} purchases ({created.PerSecond:F0}/s at concurrency 64)");

        var reader = await Baseline.CreateAsync(azurite.ConnectionString, "Purchases");
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) => await reader.ReadAsync(id));
        var readTime = clock.Elapsed;
        var pointReads = reader.Counter.Total;
        clock.Restart();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) => await reader.ReadWithSharesAsync(id));
        var rangeTime = clock.Elapsed;
        var rangeReads = reader.Counter.Total - pointReads;

        var sweep = service.Services.GetRequiredService<DeadlineSweep>();
        var ops = service.Counter.Total;
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        var result = await sweep.RunOnceAsync(CancellationToken.None);
        var sweepTime = clock.Elapsed;
        var sweepOps = service.Counter.Total - ops;
        var sweepAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        report.Heading($"Deadline sweep over {ids.Count} overdue purchases (DeadlineSweep.RunOnceAsync, 16 in parallel)");
        report.Row("what", "purchases", "time", "per purchase", "storage calls", "calls/purchase", "ratio to reading them");
        report.Row("point reads of the same purchase rows (baseline, 16 in parallel)", ids.Count, $"{readTime.TotalSeconds:F2} s",
            $"{readTime.TotalMilliseconds / ids.Count:F2} ms", pointReads, ((double)pointReads / ids.Count).ToString("F2"), "1.00×");
        report.Row("range reads of the same purchases with their shares (as GetWithSharesAsync, 16 in parallel)", ids.Count, $"{rangeTime.TotalSeconds:F2} s",
            $"{rangeTime.TotalMilliseconds / ids.Count:F2} ms", rangeReads, ((double)rangeReads / ids.Count).ToString("F2"),
            CreationLoad.Ratio(rangeTime.TotalMilliseconds, readTime.TotalMilliseconds));
        report.Row($"sweep: examined {result.Examined}, failed {result.Failed}", ids.Count, $"{sweepTime.TotalSeconds:F2} s",
            $"{sweepTime.TotalMilliseconds / ids.Count:F2} ms", sweepOps, ((double)sweepOps / ids.Count).ToString("F2"),
            CreationLoad.Ratio(sweepTime.TotalMilliseconds, readTime.TotalMilliseconds));
        report.Line($"The sweep allocated {CreationLoad.Kb((double)sweepAllocated / ids.Count)} per purchase. The {purchases} purchases were created at " +
                    $"{created.PerSecond:F0}/s (concurrency 64, p99 {CreationLoad.Ms(created.Percentile(0.99))} ms), {created.StorageOpsEach:F2} storage ops each.");
        if (result.Failed != ids.Count) report.Line($"WARNING: the sweep failed {result.Failed} of {ids.Count} overdue purchases.");
        report.Memory("after the sweep");
    }

    /// <summary>What TimerWorker does, run here so its calls are counted: receive up to 32, process, delete.</summary>
    private static async Task DrainTimersAsync(InProcessService service)
    {
        var queue = service.Services.GetRequiredService<TimerQueue>();
        var processor = service.Services.GetRequiredService<DeadlineProcessor>();
        while (true)
        {
            var messages = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(60), CancellationToken.None);
            if (messages.Length == 0) return;
            // One at a time: in service a purchase's two timers fire seconds apart, never in one batch.
            foreach (var message in messages)
            {
                await processor.OnTimerAsync(TimerQueue.ParseMessage(message.Body.ToString())!, CancellationToken.None);
                await queue.DeleteAsync(message, CancellationToken.None);
            }
        }
    }
}
