using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Webhooks;

public enum DeliveryOutcome
{
    /// <summary>The message has done its work (attempt made and the next one scheduled, or nothing to do): delete it.</summary>
    Done,

    /// <summary>Leave the message: it shows again after its invisibility (the event's commit has not landed yet).</summary>
    RetryLater,
}

/// <summary>One delivery attempt per message, called by the in-process worker and by the Functions
/// queue trigger alike. The event row is the source of truth; the message only says which attempt
/// is due. Order within an attempt: POST, schedule the next attempt as a new message, update the
/// row (ETag), and only then may the caller delete the message — a crash anywhere leaves either
/// the current message (retried: a duplicate POST, which the event id lets merchants drop) or a
/// next message that the row makes current or stale, never nothing.</summary>
public sealed class WebhookDelivery(
    EventRows events, WebhookQueue queue, MerchantStore merchants, WebhookSender sender,
    IOptions<PledgOptions> options, TimeProvider time, ILogger<WebhookDelivery> logger)
{
    /// <summary>A message whose event row is still missing this long after the event was made
    /// belongs to a transaction that failed (a lost race, storage down): drop it.</summary>
    public static readonly TimeSpan OrphanAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    public async Task<DeliveryOutcome> HandleAsync(WebhookMessage message, CancellationToken ct)
    {
        // One attempt per event at a time in this process: the nudge and the grace message of the
        // same attempt wait for each other, and the second then sees the row the first wrote.
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_inFlight.TryAdd(message.EventId, mine.Task))
            if (_inFlight.TryGetValue(message.EventId, out var other)) await other.WaitAsync(ct);
        try
        {
            return await AttemptAsync(message, ct);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task>(message.EventId, mine.Task));
            mine.SetResult();
        }
    }

    private async Task<DeliveryOutcome> AttemptAsync(WebhookMessage message, CancellationToken ct)
    {
        var evt = await events.GetAsync(message.PurchaseId, message.EventId, ct);
        if (evt is null) return time.GetUtcNow() - message.CreatedAt > OrphanAfter ? DeliveryOutcome.Done : DeliveryOutcome.RetryLater;
        if (!message.IsCurrentFor(evt)) return DeliveryOutcome.Done;

        var merchant = await merchants.FindByIdAsync(evt.MerchantId, ct);
        var error = merchant?.WebhookSecret is { Length: > 0 } secret
            ? await sender.PostAsync(evt, secret, ct)
            : "The merchant has no webhook secret.";
        PledgMetrics.WebhookAttempt(delivered: error is null);
        var now = time.GetUtcNow();
        evt.Attempts = message.Attempt;
        evt.LastAttemptAt = now;
        evt.LastError = error;
        evt.NextAttemptAt = null;
        if (error is null)
        {
            evt.Status = EventEntity.Delivered;
            evt.DeliveredAt = now;
        }
        else if (RetrySchedule.DelayAfter(message.Attempt, evt.CreatedAt, now, options.Value.Webhooks.FirstRetryDelay) is { } delay)
        {
            evt.NextAttemptAt = WholeMilliseconds(now + delay);
            await queue.SendAsync(message with { Attempt = message.Attempt + 1, DueAt = evt.NextAttemptAt }, delay, ct);
        }
        else
        {
            evt.Status = EventEntity.GivenUp;
            logger.LogWarning("Webhook {EventId} given up after {Attempts} attempts: {Error}", evt.EventId, evt.Attempts, error);
        }

        try
        {
            await events.ReplaceAsync(evt, ct);
        }
        catch (Exception e) when (StorageErrors.IsConflict(e))
        {
            // A redelivery or another worker wrote the row since we read it: theirs stands, and the
            // message we may have scheduled is stale against it.
            logger.LogInformation("Webhook {EventId} attempt {Attempt} raced another writer; its outcome is not recorded", evt.EventId, message.Attempt);
        }
        if (error is not null) logger.LogInformation("Webhook {EventId} attempt {Attempt} failed: {Error}", evt.EventId, message.Attempt, error);
        return DeliveryOutcome.Done;
    }

    /// <summary>Due times are compared exactly between the row and the message: keep a precision
    /// both the table and JSON round-trip.</summary>
    internal static DateTimeOffset WholeMilliseconds(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
