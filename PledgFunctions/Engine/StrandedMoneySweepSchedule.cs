using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;

namespace PledgFunctions.Engine;

/// <summary>Standalone: the sweep for money stranded by an ended orchestration every
/// <see cref="RecoveryOptions.SweepEvery"/>, once the engine is up. A failed round (storage down)
/// is logged and the next one tries again.</summary>
public sealed class StrandedMoneySweepSchedule(StrandedMoneySweep sweep, DurableTaskClient client, IEngineReadiness engine,
    IOptions<PledgOptions> options, TimeProvider time, ILogger<StrandedMoneySweepSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Recovery.SweepEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!engine.IsReady) continue;
            try
            {
                await sweep.SweepAsync(client, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Sweeping for stranded money failed; the next round tries again");
            }
        }
    }
}
