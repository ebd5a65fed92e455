using System.Threading.Channels;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>Announces each outbox event twice: a durable queue message sent before the commit,
/// hidden for a short grace (if the process dies right after the commit, it still delivers), and,
/// once the commit landed, an in-memory nudge so this process delivers at once. Both carry the
/// same first attempt; whichever comes second finds it made and is dropped.</summary>
public sealed class WebhookAnnouncer(WebhookQueue queue, WebhookNudges nudges) : IEventAnnouncer
{
    /// <summary>Long enough for the commit and the nudged attempt to start, short enough to be the
    /// delivery latency after a crash (or under the Functions host, where nothing is nudged).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public Task BeforeCommitAsync(EventEntity evt, CancellationToken ct) => queue.SendAsync(WebhookMessage.First(evt), Grace, ct);

    public void AfterCommit(EventEntity evt) => nudges.Nudge(WebhookMessage.First(evt));
}

/// <summary>Attempts to make now in this process. Only a latency shortcut: every nudge has a
/// durable message behind it, so a full channel (or no worker reading it) just drops nudges.</summary>
public sealed class WebhookNudges(bool enabled)
{
    private readonly Channel<WebhookMessage> _channel = Channel.CreateBounded<WebhookMessage>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Nudge(WebhookMessage message)
    {
        if (enabled) _channel.Writer.TryWrite(message);
    }

    public IAsyncEnumerable<WebhookMessage> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}

/// <summary>One more attempt of an event on a merchant's request, announced like the first one.
/// The row's new due time makes any attempt already scheduled stale, so it replaces it.</summary>
public sealed class WebhookRedelivery(EventRows events, WebhookQueue queue, WebhookNudges nudges, TimeProvider time)
{
    public async Task<EventEntity> RedeliverAsync(EventEntity evt, CancellationToken ct)
    {
        while (true)
        {
            var due = WebhookDelivery.WholeMilliseconds(time.GetUtcNow());
            var message = new WebhookMessage(evt.PartitionKey, evt.EventId, evt.Attempts + 1, due, evt.CreatedAt);
            await queue.SendAsync(message, WebhookAnnouncer.Grace, ct);
            evt.Status = EventEntity.Pending;
            evt.NextAttemptAt = due;
            try
            {
                await events.ReplaceAsync(evt, ct);
                nudges.Nudge(message);
                return evt;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                // An attempt finished meanwhile: the message just sent is stale; decide again on the new row.
                evt = await events.GetAsync(evt.PartitionKey, evt.EventId, ct)
                      ?? throw new InvalidOperationException($"Event {evt.EventId} vanished.");
            }
        }
    }
}
