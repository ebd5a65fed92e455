using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Webhooks;

/// <summary>Azurite and a service whose failed deliveries are retried after 1 s, 2 s, 4 s...</summary>
public sealed class WebhookFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;
    public TestService Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartNewAsync();
        Service = await TestService.StartAsync(Azurite, s => s["Pledg:Webhooks:FirstRetryDelay"] = "00:00:01");
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

public static class Events
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<JsonElement[]> ListAsync(HttpClient merchant, string purchaseId) =>
        (await (await merchant.GetAsync($"/api/purchases/{purchaseId}/events")).AssertOkAsync()).GetProperty("items").EnumerateArray().ToArray();

    /// <summary>The purchase's events once every one of them has reached <paramref name="status"/>.</summary>
    public static Task<JsonElement[]> WaitForStatusAsync(HttpClient merchant, string purchaseId, string status, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => ListAsync(merchant, purchaseId),
            events => events.Length > 0 && events.All(e => e.GetProperty("status").GetString() == status),
            timeout ?? Patience, $"events of {purchaseId} {status}");

    public static Task<IReadOnlyList<ReceivedWebhook>> WaitForReceivedAsync(WebhookReceiver receiver, string purchaseId, int count = 1, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => Task.FromResult(receiver.ReceivedFor(purchaseId)), r => r.Count >= count,
            timeout ?? Patience, $"{count} webhook(s) for {purchaseId}");

    public static string Id(JsonElement purchase) => purchase.GetProperty("id").GetString()!;
}
