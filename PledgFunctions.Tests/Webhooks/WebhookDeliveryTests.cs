using System.Net;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Webhooks;

/// <summary>Each final path sends one signed event to the purchase's notificationUrl; failures are retried with the same event.</summary>
public sealed class WebhookDeliveryTests(WebhookFixture fixture, ITestOutputHelper output) : IClassFixture<WebhookFixture>
{
    private TestService Service => fixture.Service;

    private async Task<JsonElement> CreateAsync(WebhookReceiver receiver) =>
        await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(notificationUrl: receiver.Url));

    /// <summary>Exactly one event (one id, one row) for the purchase, delivered, signed, with the purchase's final state.</summary>
    private Task<ReceivedWebhook> AssertOneSignedEventAsync(WebhookReceiver receiver, string purchaseId, string type, string state) =>
        AssertSignedEventAsync(receiver, purchaseId, type, state, [type]);

    /// <summary>The purchase's events are exactly <paramref name="types"/> (in the order created), each
    /// delivered under one id; the one of <paramref name="type"/> is signed and shows the final state.</summary>
    private async Task<ReceivedWebhook> AssertSignedEventAsync(WebhookReceiver receiver, string purchaseId, string type, string state, string[] types)
    {
        var listed = await Eventually.ReturnsAsync(() => Events.ListAsync(Service.Client(), purchaseId),
            events => events.Length == types.Length && events.All(e => e.GetProperty("status").GetString() == "delivered"), Events.Patience, "every event delivered");
        Assert.Equal(types, listed.OrderBy(e => e.GetProperty("createdAt").GetDateTimeOffset()).ThenBy(e => Array.IndexOf(types, e.GetProperty("type").GetString()))
            .Select(e => e.GetProperty("type").GetString()));
        var received = receiver.ReceivedFor(purchaseId);
        Assert.Equal(types.Length, received.Select(r => r.EventId).Distinct().Count());
        var only = listed.Single(e => e.GetProperty("type").GetString() == type);
        var first = received.First(r => r.Type == type);
        Assert.Equal(only.GetProperty("id").GetString(), first.EventId);
        Assert.StartsWith("evt_", first.EventId);
        Assert.Equal(type, first.Type);
        Assert.Equal(state, first.PurchaseState);
        Assert.Equal("application/json", first.ContentType);
        Assert.True(first.SignatureVerifies(TestService.MerchantSecret), $"signature {first.Signature} should verify");
        Assert.False(first.SignatureVerifies("whsec_some_other_secret_0123456789"));
        var purchase = await (await Service.Client().GetAsync($"/api/purchases/{purchaseId}")).AssertOkAsync();
        var data = JsonDocument.Parse(first.RawBody).RootElement.GetProperty("data");
        Assert.Equal(purchase.GetProperty("completedAt").GetString(), data.GetProperty("completedAt").GetString());
        output.WriteLine($"{type}: event {first.EventId}, {received.Count} POST(s), attempts {only.GetProperty("attempts").GetInt32()}");
        return first;
    }

    [Fact]
    public async Task ThePledgeEachPaymentAndTheLastShareEachSendOneSignedEvent()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var purchase = await CreateAsync(receiver);
        var pledge = await (await PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(2))).AssertOkAsync();
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
        // Since 1.2 the pledge and each payment are announced as they happen, the purchase still open.
        var early = await Events.WaitForReceivedAsync(receiver, Events.Id(purchase), count: 2);
        Assert.Equal(["purchase.pledged", "share.paid"], early.Select(r => r.Type).Order());
        Assert.All(early, r => Assert.Equal("INITIALIZED", r.PurchaseState));
        var paid = JsonDocument.Parse(early.Single(r => r.Type == "share.paid").RawBody).RootElement.GetProperty("share");
        Assert.Equal(pledge.GetProperty("shares")[1].GetProperty("email").GetString(), paid.GetProperty("email").GetString());
        Assert.Equal(4000, paid.GetProperty("amount").GetInt64());

        await (await PayAsync(Service.Client(null), ShareToken(pledge, 2))).AssertOkAsync();

        await AssertSignedEventAsync(receiver, Events.Id(purchase), "purchase.succeeded", "SUCCESSFULL",
            ["purchase.pledged", "share.paid", "share.paid", "purchase.succeeded"]);
    }

    [Fact]
    public async Task PledgingWithNoPledgersSendsThePledgedAndOneSignedSucceededEvent()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var purchase = await CreateAsync(receiver);

        await (await PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(0))).AssertOkAsync();

        await AssertSignedEventAsync(receiver, Events.Id(purchase), "purchase.succeeded", "SUCCESSFULL", ["purchase.pledged", "purchase.succeeded"]);
    }

    [Fact]
    public async Task CancellingSendsOneSignedFailedEvent()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var purchase = await CreateAsync(receiver);

        await (await Service.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { reason = "out of stock" })).AssertOkAsync();

        var received = await AssertOneSignedEventAsync(receiver, Events.Id(purchase), "purchase.failed", "FAILED");
        Assert.Equal("cancelled", JsonDocument.Parse(received.RawBody).RootElement.GetProperty("data").GetProperty("failureReason").GetString());
    }

    [Fact]
    public async Task APurchaseWithoutNotificationUrlHasNoEvents()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        await (await Service.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();

        Assert.Empty(await Events.ListAsync(Service.Client(), Events.Id(purchase)));
    }

    [Fact]
    public async Task AFailingReceiverGetsTheSameEventUntilItAnswers2xx()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync((_, call, _) => Task.FromResult(call <= 2 ? 500 : 204));
        var purchase = await CreateAsync(receiver);
        await (await Service.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();

        var listed = Assert.Single(await Events.WaitForStatusAsync(Service.Client(), Events.Id(purchase), "delivered"));

        var received = receiver.ReceivedFor(Events.Id(purchase));
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.EventId).Distinct());
        Assert.All(received, r => Assert.Equal(received[0].RawBody, r.RawBody));
        Assert.All(received, r => Assert.True(r.SignatureVerifies(TestService.MerchantSecret)));
        Assert.Equal(3, listed.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("nextAttemptAt").ValueKind);
        var delays = received.Zip(received.Skip(1), (a, b) => b.At - a.At).ToList();
        output.WriteLine($"3 POSTs of {received[0].EventId}; delays between attempts: {string.Join(", ", delays.Select(d => $"{d.TotalSeconds:F2} s"))} (FirstRetryDelay 1 s, doubled)");
        Assert.True(delays[0] >= TimeSpan.FromSeconds(0.9), $"first retry after ~1 s, was {delays[0]}");
        Assert.True(delays[1] >= TimeSpan.FromSeconds(1.9), $"second retry after ~2 s, was {delays[1]}");
    }

    [Fact]
    public async Task AFailedAttemptIsVisibleWithItsErrorAndNextAttempt()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync((_, _, _) => Task.FromResult(503));
        var purchase = await CreateAsync(receiver);
        await (await Service.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();

        var listed = (await Eventually.ReturnsAsync(() => Events.ListAsync(Service.Client(), Events.Id(purchase)),
            e => e.Length == 1 && e[0].GetProperty("attempts").GetInt32() >= 1, Events.Patience, "a failed attempt recorded"))[0];

        Assert.Equal("pending", listed.GetProperty("status").GetString());
        Assert.Contains("503", listed.GetProperty("lastError").GetString());
        Assert.True(listed.GetProperty("nextAttemptAt").GetDateTimeOffset() > listed.GetProperty("lastAttemptAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("deliveredAt").ValueKind);
        output.WriteLine(listed.ToString());
    }

    [Fact]
    public async Task RedeliverSendsTheSameEventOnceMore()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var purchase = await CreateAsync(receiver);
        await (await Service.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();
        var eventId = Assert.Single(await Events.WaitForStatusAsync(Service.Client(), Events.Id(purchase), "delivered")).GetProperty("id").GetString()!;
        var before = receiver.ReceivedFor(Events.Id(purchase)).Count;

        var accepted = await (await Service.Client().PostAsync($"/api/events/{eventId}/redeliver", null)).AssertOkAsync(HttpStatusCode.Accepted);

        Assert.Equal(eventId, accepted.GetProperty("id").GetString());
        Assert.Equal("pending", accepted.GetProperty("status").GetString());
        var received = await Events.WaitForReceivedAsync(receiver, Events.Id(purchase), before + 1);
        Assert.All(received, r => Assert.Equal(eventId, r.EventId));
        var listed = Assert.Single(await Events.WaitForStatusAsync(Service.Client(), Events.Id(purchase), "delivered"));
        Assert.Equal(before + 1, listed.GetProperty("attempts").GetInt32());
        output.WriteLine($"redelivered {eventId}: {received.Count} POSTs in all, attempts {listed.GetProperty("attempts").GetInt32()}");
    }

    [Fact]
    public async Task AnotherMerchantSeesNeitherTheEventsNorRedeliversThem()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var purchase = await CreateAsync(receiver);
        await (await Service.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();
        var eventId = Assert.Single(await Events.WaitForStatusAsync(Service.Client(), Events.Id(purchase), "delivered")).GetProperty("id").GetString()!;
        var other = Service.Client(TestService.OtherMerchantKey);

        await (await other.GetAsync($"/api/purchases/{Events.Id(purchase)}/events")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.PostAsync($"/api/events/{eventId}/redeliver", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Service.Client().PostAsync($"/api/events/{eventId[..^1]}{(eventId[^1] == '0' ? '1' : '0')}/redeliver", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Service.Client().PostAsync("/api/events/evt_nonsense/redeliver", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Service.Client().GetAsync("/api/purchases/pur_nonsense/events")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Service.Client(null).GetAsync($"/api/purchases/{Events.Id(purchase)}/events")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Single(receiver.ReceivedFor(Events.Id(purchase)).Select(r => r.EventId).Distinct());
    }

    [Fact]
    public async Task TheEventEndpointsAreInTheOpenApiDocument()
    {
        var document = await (await Service.Client(null).GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();

        Assert.Contains("/api/purchases/{id}/events", document);
        Assert.Contains("/api/events/{eventId}/redeliver", document);
        Assert.Contains("ListPurchaseEvents", document);
        Assert.Contains("RedeliverEvent", document);
    }
}
