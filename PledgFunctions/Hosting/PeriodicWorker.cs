using PledgFunctions.Storage;

namespace PledgFunctions.Hosting;

/// <summary>A background pass run every <see cref="Interval"/>, starting once storage first
/// exists. A failed pass is logged with its exception and simply runs again next interval: each
/// pass decides from storage, so nothing is lost by retrying.</summary>
public abstract class PeriodicWorker(StorageHealth health, TimeProvider time, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await health.TryWaitUntilInitializedAsync(stoppingToken)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "{Worker} pass failed; retrying next interval", GetType().Name);
            }
            try { await Task.Delay(Interval, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
