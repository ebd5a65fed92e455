using Microsoft.Kiota.Abstractions;

namespace PledgFunctions.Client;

/// <summary>Helpers for a call's request configuration: <c>await client.Api.Purchases.PostAsync(body, c => c.IdempotencyKey("order-123"))</c>.</summary>
public static class PledgRequestOptions
{
    /// <summary>Sends this Idempotency-Key (1 to 255 visible ASCII characters): the same key and body replay the first response.</summary>
    public static void IdempotencyKey<T>(this RequestConfiguration<T> configuration, string key) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Headers.Add(IdempotencyKeyHandler.Header, key);
    }
}
