using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>One more round of attempts of an event on a merchant's request: the row goes back to
/// pending (conditioned on its ETag), then a <see cref="DeliverEvent"/> orchestration makes them.</summary>
public sealed class WebhookRedelivery(EventRows events, IDurableClientSource source, IEngineReadiness ready, IOptions<PledgOptions> options,
    TimeProvider time)
{
    public async Task<EventEntity> RedeliverAsync(EventEntity evt, CancellationToken ct)
    {
        while (true)
        {
            evt.Status = EventEntity.Pending;
            evt.NextAttemptAt = time.GetUtcNow();
            try
            {
                await events.ReplaceAsync(evt, ct);
                break;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                // An attempt finished meanwhile: decide again on the new row.
                evt = await events.GetAsync(evt.PartitionKey, evt.EventId, ct) ?? throw new InvalidOperationException($"Event {evt.EventId} vanished.");
            }
        }
        await ready.WaitAsync(ct);
        await source.Client.ScheduleNewOrchestrationInstanceAsync(nameof(DeliverEvent),
            new DeliverEventInput(evt.PartitionKey, evt.EventId, options.Value.Webhooks.FirstRetryDelay),
            new StartOrchestrationOptions(InstanceId: $"{evt.EventId}-redelivery-{evt.Attempts + 1}-{Guid.NewGuid():N}"), ct);
        return evt;
    }
}
