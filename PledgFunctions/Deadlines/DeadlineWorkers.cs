using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Storage;

namespace PledgFunctions.Deadlines;

/// <summary>Takes deadline timer messages from the queue in this process (off under the Functions
/// host, whose queue trigger delivers them to the same <see cref="DeadlineProcessor"/>). Several
/// instances may run: a message is invisible to the others while one works on it, and the
/// processor's conditional writes make a duplicate delivery harmless. A message is deleted only
/// after its work committed.</summary>
internal sealed class TimerWorker(TimerQueue queue, DeadlineProcessor processor, StorageHealth health, IOptions<PledgOptions> options,
    TimeProvider time, ILogger<TimerWorker> logger) : BackgroundService
{
    private static readonly TimeSpan InvisibleWhileWorking = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lifecycle = options.Value.Lifecycle;
        if (!await health.TryWaitUntilInitializedAsync(stoppingToken)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages = [];
            try
            {
                messages = await queue.ReceiveAsync(32, InvisibleWhileWorking, stoppingToken);
                await Task.WhenAll(messages.Select(m => HandleAsync(m, lifecycle.MaxDequeueCount, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) when (StorageErrors.IsUnavailable(e))
            {
                logger.LogWarning("Timer queue unavailable: {Error}", e.GetBaseException().Message);
            }
            if (messages.Length == 0)
            {
                try { await Task.Delay(lifecycle.PollInterval, time, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task HandleAsync(QueueMessage message, int maxDequeueCount, CancellationToken ct)
    {
        try
        {
            var timer = TimerQueue.ParseMessage(message.Body.ToString());
            if (timer is null || message.DequeueCount > maxDequeueCount)
            {
                logger.LogError("Timer message {MessageId} moved to the poison queue (dequeued {Count} times, readable: {Readable})",
                    message.MessageId, message.DequeueCount, timer is not null);
                await queue.PoisonAsync(message, ct);
                return;
            }
            await processor.OnTimerAsync(timer, ct);
            await queue.DeleteAsync(message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Left in the queue: it shows again after its invisibility and is retried, then poisoned.
            logger.LogWarning(e, "Timer message {MessageId} failed (attempt {Count}); it will be retried", message.MessageId, message.DequeueCount);
        }
    }
}

/// <summary>Runs the due-index sweep every <c>Pledg:Lifecycle:SweepInterval</c>.</summary>
internal sealed class SweepWorker(DeadlineSweep sweep, StorageHealth health, IOptions<PledgOptions> options, TimeProvider time,
    ILogger<SweepWorker> logger) : PeriodicWorker(health, time, logger)
{
    protected override TimeSpan Interval => options.Value.Lifecycle.SweepInterval;

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var report = await sweep.RunOnceAsync(ct);
        if (report.Failed > 0) logger.LogWarning("Deadline sweep failed {Count} overdue purchase(s) the timers had missed", report.Failed);
    }
}

public static class DeadlinesServices
{
    public static IServiceCollection AddDeadlines(this IServiceCollection services, bool inProcessWorkers)
    {
        services.AddSingleton<DeadlineProcessor>();
        services.AddSingleton<DeadlineSweep>();
        if (inProcessWorkers)
        {
            services.AddHostedService<TimerWorker>();
            services.AddHostedService<SweepWorker>();
        }
        return services;
    }
}
