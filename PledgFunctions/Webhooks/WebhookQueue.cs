using System.Text.Json;
using System.Text.Json.Serialization;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>"Make delivery attempt <see cref="Attempt"/> of this event." A message is current only
/// while the event row still waits for exactly that attempt: pending, <c>Attempts == Attempt - 1</c>
/// and <c>NextAttemptAt == DueAt</c> (null for the first attempt). Every other message (a
/// duplicate, the grace message of an attempt the nudge already made, one superseded by a
/// redelivery) is dropped on sight, so stray copies never multiply.</summary>
public sealed record WebhookMessage(string PurchaseId, string EventId, int Attempt, DateTimeOffset? DueAt, DateTimeOffset CreatedAt)
{
    public static WebhookMessage First(EventEntity evt) => new(evt.PartitionKey, evt.EventId, 1, null, evt.CreatedAt);

    public bool IsCurrentFor(EventEntity evt) =>
        evt.Status == EventEntity.Pending && evt.Attempts == Attempt - 1 && evt.NextAttemptAt == DueAt;
}

/// <summary>The <c>webhook-deliveries</c> queue: one message per scheduled attempt.</summary>
public sealed class WebhookQueue(StorageClients storage) : WorkQueue(storage.WebhookDeliveries, storage.WebhookDeliveriesPoison)
{
    public Task SendAsync(WebhookMessage message, TimeSpan visibleAfter, CancellationToken ct) => SendAsync(Serialize(message), visibleAfter, ct);

    public static string Serialize(WebhookMessage message) => JsonSerializer.Serialize(message, WebhookJson.Default.WebhookMessage);

    /// <summary>Null for a body that is not a delivery message (it goes to the poison queue).</summary>
    public static WebhookMessage? Parse(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize(body, WebhookJson.Default.WebhookMessage);
            return message is { Attempt: >= 1 } && EventIds.TryParse(message.EventId, out var purchaseId) && purchaseId == message.PurchaseId
                ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookMessage))]
internal sealed partial class WebhookJson : JsonSerializerContext;
