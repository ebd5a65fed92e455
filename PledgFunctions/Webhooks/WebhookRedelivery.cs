using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>One more round of attempts of an event on a merchant's request, one round at a time.
/// Round n + 1 of an event whose row records n (<see cref="EventEntity.Redeliveries"/>) is the
/// <see cref="DeliverEvent"/> instance named for it, started first: concurrent calls of one round
/// start it once. Then the row goes back to pending for that round; the instance does that too as
/// its first step, so a request that dies after the start still leaves a round that delivers, and
/// one that dies before it changed nothing.</summary>
public sealed class WebhookRedelivery(ReopenEvent reopen, IDurableClientSource source, IEngineReadiness ready, IOptions<PledgOptions> options,
    WebhookFaults faults)
{
    /// <summary>A round's instance id is used once, whatever became of its instance.</summary>
    private static readonly OrchestrationRuntimeStatus[] AnyStatus =
    [
        OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended,
        OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated,
    ];

    public async Task<EventEntity> RedeliverAsync(EventEntity evt, CancellationToken ct)
    {
        // The round the row records is still retrying (its instance goes on while the row is
        // pending): a second chain would only double the attempts.
        if (evt.Status == EventEntity.Pending && evt.Redeliveries > 0) return evt;
        var round = evt.Redeliveries + 1;
        await ready.WaitAsync(ct);
        try
        {
            await source.Client.ScheduleNewOrchestrationInstanceAsync(nameof(DeliverEvent),
                new DeliverEventInput(evt.PartitionKey, evt.EventId, options.Value.Webhooks.FirstRetryDelay, round),
                new StartOrchestrationOptions(InstanceId: DeliverEvent.InstanceId(evt.EventId, round)).WithDedupeStatuses(AnyStatus), ct);
        }
        catch (Exception e) when (LifecycleSignals.IsAlreadyStarted(e))
        {
            // A concurrent call of the same round started it.
        }
        faults.AfterRedeliveryStarted?.Invoke(evt.EventId);
        return await reopen.ReopenAsync(evt, round, ct);
    }
}

/// <summary>Fault-injection seam for crash tests: throwing in <see cref="AfterRedeliveryStarted"/>
/// (with the event id) is a request dying between starting a round and reopening the row. Null
/// (no-op) outside tests.</summary>
public sealed class WebhookFaults
{
    public Action<string>? AfterRedeliveryStarted { get; set; }
}
