using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Purchases;

namespace PledgFunctions.Engine;

/// <summary>Standalone: every <see cref="HistoryOptions.PurgeEvery"/>, once the engine is up, the
/// purge of ended orchestrations and the deletion of expired idempotency keys (under the Functions
/// host, a timer function each). A failed job (storage down) is logged and the next round tries again.</summary>
public sealed class HousekeepingSchedule(FinishedInstancePurge purge, IdempotencyExpiry keys, DurableTaskClient client, IEngineReadiness engine,
    IOptions<PledgOptions> options, TimeProvider time, ILogger<HousekeepingSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.History.PurgeEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!engine.IsReady) continue;
            await RunAsync("Purging ended orchestrations", () => purge.PurgeAsync(client, stoppingToken), stoppingToken);
            await RunAsync("Deleting expired idempotency keys", () => keys.DeleteExpiredAsync(stoppingToken), stoppingToken);
        }
    }

    private async Task RunAsync(string job, Func<Task> run, CancellationToken stoppingToken)
    {
        try
        {
            await run();
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "{Job} failed; the next round tries again", job);
        }
    }
}
