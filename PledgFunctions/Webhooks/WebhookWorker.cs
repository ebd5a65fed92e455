using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>Delivers webhooks in this process (off under the Functions host, whose queue trigger
/// calls the same <see cref="WebhookDelivery"/>): nudged attempts at once, and the
/// <c>webhook-deliveries</c> queue for the durable path and every retry. Several instances may
/// run; the event row's ETag keeps them from double-counting an attempt.</summary>
internal sealed class WebhookWorker(
    WebhookQueue queue, WebhookDelivery delivery, WebhookNudges nudges, StorageHealth health, IOptions<PledgOptions> options,
    TimeProvider time, ILogger<WebhookWorker> logger) : BackgroundService
{
    /// <summary>Longer than an attempt (a 10 s POST plus a few storage calls), so no one else takes the message meanwhile.</summary>
    private static readonly TimeSpan InvisibleWhileWorking = TimeSpan.FromSeconds(60);
    private const int MaxConcurrent = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await health.TryWaitUntilInitializedAsync(stoppingToken)) return;
        await Task.WhenAll(PollQueueAsync(stoppingToken), DeliverNudgesAsync(stoppingToken));
    }

    private async Task DeliverNudgesAsync(CancellationToken ct)
    {
        try
        {
            await Parallel.ForEachAsync(nudges.ReadAllAsync(ct), new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrent, CancellationToken = ct },
                async (message, token) =>
                {
                    try { await delivery.HandleAsync(message, token); }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Nudged webhook {EventId} failed; its queue message will retry it", message.EventId);
                    }
                });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task PollQueueAsync(CancellationToken ct)
    {
        var lifecycle = options.Value.Lifecycle;
        using var slots = new SemaphoreSlim(MaxConcurrent);
        var running = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            QueueMessage[] messages = [];
            try
            {
                // A receiver that hangs for 10 s holds one slot, not the whole batch.
                await slots.WaitAsync(ct);
                slots.Release();
                messages = await queue.ReceiveAsync(Math.Max(1, slots.CurrentCount), InvisibleWhileWorking, ct);
                foreach (var message in messages)
                {
                    await slots.WaitAsync(ct);
                    running.Add(RunAsync(message, lifecycle.MaxDequeueCount, slots, ct));
                }
                running.RemoveAll(t => t.IsCompleted);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e) when (StorageErrors.IsUnavailable(e))
            {
                logger.LogWarning("Webhook queue unavailable: {Error}", e.GetBaseException().Message);
            }
            if (messages.Length == 0)
            {
                try { await Task.Delay(lifecycle.PollInterval, time, ct); }
                catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll(running);
    }

    private async Task RunAsync(QueueMessage message, int maxDequeueCount, SemaphoreSlim slots, CancellationToken ct)
    {
        try
        {
            var parsed = WebhookQueue.Parse(message.Body.ToString());
            if (parsed is null || message.DequeueCount > maxDequeueCount)
            {
                logger.LogError("Webhook message {MessageId} moved to the poison queue (dequeued {Count} times, readable: {Readable})",
                    message.MessageId, message.DequeueCount, parsed is not null);
                await queue.PoisonAsync(message, ct);
                return;
            }
            if (await delivery.HandleAsync(parsed, ct) == DeliveryOutcome.Done) await queue.DeleteAsync(message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Left in the queue: it shows again after its invisibility and is retried, then poisoned.
            logger.LogWarning(e, "Webhook message {MessageId} failed (dequeued {Count} times); it will be retried", message.MessageId, message.DequeueCount);
        }
        catch (OperationCanceledException) { }
        finally
        {
            slots.Release();
        }
    }
}
