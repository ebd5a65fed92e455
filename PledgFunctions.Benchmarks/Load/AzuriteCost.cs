using System.Diagnostics;
using Azure.Data.Tables;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Why the throughput ratios are Azurite's more than the service's: Azurite (one Node.js
/// thread, rows in memory) finds a row by scanning its partition, so an upsert into the merchant
/// index's single partition, or a due-index minute bucket, slows down as that partition grows.
/// Azure Table Storage indexes (PartitionKey, RowKey) and has no such effect.</summary>
public static class AzuriteCost
{
    public static async Task RunAsync(double scale, LoadReport report)
    {
        await using var azurite = await Azurite.StartNewAsync();
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Cost");
        await table.CreateIfNotExistsAsync();
        var rows = Math.Max(1000, (int)(10_000 * scale));
        const int Sample = 500;

        async Task<double> UpsertsAsync(string partition, int count)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
                await table.UpsertEntityAsync(new TableEntity(partition, Guid.NewGuid().ToString("N")) { ["CreatedAt"] = TimeProvider.System.GetUtcNow() }, TableUpdateMode.Replace);
            return clock.Elapsed.TotalMilliseconds / count;
        }

        async Task<double> ReadsAsync(string partition, IReadOnlyList<string> keys)
        {
            var clock = Stopwatch.StartNew();
            foreach (var key in keys) await table.GetEntityAsync<TableEntity>(partition, key);
            return clock.Elapsed.TotalMilliseconds / keys.Count;
        }

        await UpsertsAsync("warm-up", 200);
        var small = await UpsertsAsync("small", Sample);
        await Parallel.ForEachAsync(Enumerable.Range(0, rows), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await table.UpsertEntityAsync(new TableEntity("big", $"{i:D8}"), TableUpdateMode.Replace));
        var big = await UpsertsAsync("big", Sample);
        var keys = Enumerable.Range(0, Sample).Select(i => $"{i * (rows / Sample):D8}").ToList();
        var smallKeys = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"small"}"), select: ["RowKey"])) smallKeys.Add(e.RowKey);
        var readSmall = await ReadsAsync("small", smallKeys);
        var readBig = await ReadsAsync("big", keys);

        report.Heading("Azurite's own cost model (one client, sequential, no service)");
        report.Row("operation", $"partition of ~{Sample} rows", $"partition of {rows + Sample} rows", "ratio");
        report.Row("upsert (InsertOrReplace)", $"{small:F2} ms", $"{big:F2} ms", CreationLoad.Ratio(big, small));
        report.Row("point read", $"{readSmall:F2} ms", $"{readBig:F2} ms", CreationLoad.Ratio(readBig, readSmall));
    }
}
