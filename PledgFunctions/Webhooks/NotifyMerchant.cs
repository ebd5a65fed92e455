using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Webhooks;

public sealed record NotifyInput(string PurchaseId, string EventId, DateTimeOffset RetryFrom);

/// <summary>One delivery attempt of an outbox event: POST its frozen body, signed, and record the
/// attempt on the event row. A failed attempt throws, so the orchestration's retry policy (the
/// contract's schedule, durable timers) tries again; 24 h after <see cref="NotifyInput.RetryFrom"/>
/// the attempt records the event as given up and returns, which ends the retries. Its own activity,
/// never part of one that decides: a merchant endpoint that hangs delays only its own notifications
/// (<see cref="MerchantDeliveryLimiter"/>).</summary>
public sealed class NotifyMerchant(EventRows events, MerchantStore merchants, WebhookSender sender, MerchantDeliveryLimiter limiter,
    IOptions<PledgOptions> options, TimeProvider time, ILogger<NotifyMerchant> logger) : TaskActivity<NotifyInput, string>
{
    private static readonly TimeSpan MaxEarly = TimeSpan.FromSeconds(5);

    public override Task<string> RunAsync(TaskActivityContext context, NotifyInput input) => DeliverAsync(input, CancellationToken.None);

    public async Task<string> DeliverAsync(NotifyInput input, CancellationToken ct)
    {
        var evt = await events.GetAsync(input.PurchaseId, input.EventId, ct);
        if (evt is null || evt.Status != EventEntity.Pending) return evt?.Status ?? "missing";

        // A durable retry timer may fire early (the episode's clock lags, visibility rounds to whole
        // seconds): the contract promises the retry only after its delay, so wait out a short remainder.
        if (evt.NextAttemptAt is { } due && due - time.GetUtcNow() is var early && early > TimeSpan.Zero && early <= MaxEarly)
            await Task.Delay(early, time, ct);

        var merchant = await merchants.FindByIdAsync(evt.MerchantId, ct);
        string? error;
        if (merchant?.WebhookSecret is { Length: > 0 } secret)
        {
            using var slot = await limiter.EnterAsync(evt.MerchantId, ct);
            error = await sender.PostAsync(evt, secret, ct);
        }
        else error = "The merchant has no webhook secret.";
        PledgMetrics.WebhookAttempt(delivered: error is null);
        var now = time.GetUtcNow();
        evt.Attempts++;
        evt.LastAttemptAt = now;
        evt.LastError = error;
        evt.NextAttemptAt = null;
        if (error is null)
        {
            evt.Status = EventEntity.Delivered;
            evt.DeliveredAt = now;
        }
        else if (RetrySchedule.DelayAfter(evt.Attempts, input.RetryFrom, now, options.Value.Webhooks.FirstRetryDelay) is { } delay)
        {
            evt.NextAttemptAt = now + delay;
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
            // A redelivery or a concurrent attempt wrote the row since we read it: theirs stands.
            logger.LogInformation("Webhook {EventId} attempt raced another writer; its outcome is not recorded", evt.EventId);
        }
        if (error is not null && evt.Status == EventEntity.Pending)
            throw new WebhookNotDeliveredException($"Webhook {evt.EventId} attempt {evt.Attempts} failed: {error}");
        return evt.Status;
    }
}

/// <summary>Makes the retry policy schedule the next attempt.</summary>
public sealed class WebhookNotDeliveredException(string message) : Exception(message);
