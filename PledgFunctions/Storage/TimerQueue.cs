using System.Text.Json;

namespace PledgFunctions.Storage;

/// <summary>Durable deadline timers: a message made visible at the deadline, the way Durable
/// Functions' Azure Storage provider implements timers. A queue message can stay hidden at most
/// 7 days, so a later deadline is reached in hops (the worker re-arms an early message).</summary>
public sealed class TimerQueue(StorageClients storage, TimeProvider time) : WorkQueue(storage.DeadlineTimers, storage.DeadlineTimersPoison)
{
    /// <summary>Just under the service's 7-day visibility limit.</summary>
    public static readonly TimeSpan MaxHop = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5);

    public Task ScheduleAsync(string purchaseId, DateTimeOffset deadline, CancellationToken ct) =>
        SendAsync(Serialize(new TimerMessage(purchaseId, deadline)), VisibilityFor(deadline, time.GetUtcNow()), ct);

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
}

public sealed record TimerMessage(string PurchaseId, DateTimeOffset Deadline);

internal static class TimerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
