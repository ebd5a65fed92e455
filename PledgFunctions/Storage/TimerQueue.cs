using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace PledgFunctions.Storage;

/// <summary>Durable deadline timers: a message made visible at the deadline, the way Durable
/// Functions' Azure Storage provider implements timers. A queue message can stay hidden at most
/// 7 days, so a later deadline is reached in hops (the worker re-arms an early message).</summary>
public sealed class TimerQueue(StorageClients storage, TimeProvider time)
{
    /// <summary>Just under the service's 7-day visibility limit.</summary>
    public static readonly TimeSpan MaxHop = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5);

    private readonly QueueClient _queue = storage.DeadlineTimers;

    public async Task ScheduleAsync(string purchaseId, DateTimeOffset deadline, CancellationToken ct) =>
        await _queue.SendMessageAsync(Serialize(new TimerMessage(purchaseId, deadline)), VisibilityFor(deadline, time.GetUtcNow()),
            TimeSpan.FromSeconds(-1), ct);

    /// <summary>How long the message stays hidden: until the deadline, rounded up to the second so
    /// it never shows early through truncation, and at most one hop.</summary>
    public static TimeSpan VisibilityFor(DateTimeOffset deadline, DateTimeOffset now)
    {
        var delay = deadline - now;
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxHop ? MaxHop : delay;
        return TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
    }

    public static string Serialize(TimerMessage message) => JsonSerializer.Serialize(message, TimerJson.Options);

    public static TimerMessage? ParseMessage(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<TimerMessage>(body, TimerJson.Options);
            return message is not null && PurchaseKeys.IsPurchaseId(message.PurchaseId) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task<QueueMessage[]> ReceiveAsync(int max, TimeSpan invisibleFor, CancellationToken ct) =>
        (await _queue.ReceiveMessagesAsync(max, invisibleFor, ct)).Value;

    public Task DeleteAsync(QueueMessage message, CancellationToken ct) => _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);

    /// <summary>A message that keeps failing is parked (with its original body) for an operator.</summary>
    public async Task PoisonAsync(QueueMessage message, CancellationToken ct)
    {
        await storage.DeadlineTimersPoison.SendMessageAsync(message.Body.ToString(), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: ct);
        await DeleteAsync(message, ct);
    }
}

public sealed record TimerMessage(string PurchaseId, DateTimeOffset Deadline);

internal static class TimerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
