using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;

namespace PledgFunctions.Engine;

/// <summary>Standalone: the purge every <see cref="HistoryOptions.PurgeEvery"/>, once the engine is
/// up. A failed round (storage down) is logged and the next one tries again.</summary>
public sealed class FinishedInstancePurgeSchedule(FinishedInstancePurge purge, DurableTaskClient client, IEngineReadiness engine,
    IOptions<PledgOptions> options, TimeProvider time, ILogger<FinishedInstancePurgeSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.History.PurgeEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!engine.IsReady) continue;
            try
            {
                await purge.PurgeAsync(client, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Purging ended orchestrations failed; the next round tries again");
            }
        }
    }
}
