using Microsoft.DurableTask;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

public sealed record ReopenInput(string PurchaseId, string EventId, int Round);

/// <summary>Puts an event back to pending for redelivery round <see cref="ReopenInput.Round"/>, once.
/// The first step of that round's <see cref="DeliverEvent"/>, and what the redeliver request does
/// right after starting it (so its answer shows the event pending): whichever lands first reopens
/// the row, the other finds the round recorded (<see cref="EventEntity.Redeliveries"/>) and leaves
/// the row alone, so an attempt the round has already made is never undone.</summary>
public sealed class ReopenEvent(EventRows events, TimeProvider time) : TaskActivity<ReopenInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, ReopenInput input) => ReopenAsync(input, CancellationToken.None);

    public async Task<string> ReopenAsync(ReopenInput input, CancellationToken ct) =>
        await events.GetAsync(input.PurchaseId, input.EventId, ct) is { } evt ? (await ReopenAsync(evt, input.Round, ct)).Status : "missing";

    /// <summary>Conditioned on the ETag <paramref name="evt"/> was read with; the row as it stands after.</summary>
    public async Task<EventEntity> ReopenAsync(EventEntity evt, int round, CancellationToken ct)
    {
        while (evt.Redeliveries < round)
        {
            evt.Status = EventEntity.Pending;
            evt.NextAttemptAt = time.GetUtcNow();
            evt.Redeliveries = round;
            try
            {
                await events.ReplaceAsync(evt, ct);
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                // An attempt finished, or the round's other reopener landed, meanwhile: decide again on the new row.
                evt = await events.GetAsync(evt.PartitionKey, evt.EventId, ct) ?? throw new InvalidOperationException($"Event {evt.EventId} vanished.");
            }
        }
        return evt;
    }
}
