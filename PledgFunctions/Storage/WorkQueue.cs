using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace PledgFunctions.Storage;

/// <summary>A queue of work with its poison queue: messages live forever until deleted, are
/// deleted by pop receipt only after their work committed, and are parked (body unchanged) when
/// they keep failing.</summary>
public abstract class WorkQueue(QueueClient queue, QueueClient poison)
{
    /// <summary>Visibility is whole seconds on the wire: rounded up so a message never shows before it is due.</summary>
    protected Task SendAsync(string body, TimeSpan visibleAfter, CancellationToken ct) =>
        queue.SendMessageAsync(body, TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, visibleAfter.TotalSeconds))), TimeSpan.FromSeconds(-1), ct);

    public async Task<QueueMessage[]> ReceiveAsync(int max, TimeSpan invisibleFor, CancellationToken ct) =>
        (await queue.ReceiveMessagesAsync(max, invisibleFor, ct)).Value;

    public Task DeleteAsync(QueueMessage message, CancellationToken ct) => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);

    public async Task PoisonAsync(QueueMessage message, CancellationToken ct)
    {
        await poison.SendMessageAsync(message.Body.ToString(), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: ct);
        await DeleteAsync(message, ct);
    }
}
