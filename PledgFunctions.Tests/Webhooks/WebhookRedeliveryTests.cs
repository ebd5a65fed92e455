using System.Net;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Tests.Webhooks;

/// <summary>A redelivery is one round of attempts however many times it is asked for at once, and
/// a request that dies halfway still leaves a round that delivers.</summary>
public sealed class WebhookRedeliveryTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestService Service => fixture.Service;

    [Fact]
    public async Task TwoConcurrentRedeliveriesStartOneRoundAndMakeOneMoreAttempt()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var (purchaseId, eventId) = await DeliveredEventAsync(receiver);

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => RedeliverAsync(eventId)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var rounds = await Eventually.ReturnsAsync(() => RoundsAsync(eventId), r => r.All(i => i.RuntimeStatus == OrchestrationRuntimeStatus.Completed),
            Events.Patience, $"the redelivery rounds of {eventId} completed");
        Assert.Equal([DeliverEvent.InstanceId(eventId, 1)], rounds.Select(i => i.InstanceId));
        var listed = Assert.Single(await Events.WaitForStatusAsync(Service.Client(), purchaseId, "delivered"));
        Assert.Equal(2, listed.GetProperty("attempts").GetInt32());
        Assert.Equal(2, receiver.ReceivedFor(purchaseId).Count);
    }

    [Fact]
    public async Task ARedeliveryWhileTheLastRoundIsStillRetryingStartsNothing()
    {
        var failing = true;
        await using var receiver = await WebhookReceiver.StartNewAsync((_, received, _) => Task.FromResult(received == 1 || !failing ? 200 : 500));
        var (purchaseId, eventId) = await DeliveredEventAsync(receiver);
        await (await RedeliverAsync(eventId)).AssertOkAsync(HttpStatusCode.Accepted);
        await Eventually.ReturnsAsync(() => Events.ListAsync(Service.Client(), purchaseId), e => e.Single().GetProperty("attempts").GetInt32() >= 2,
            Events.Patience, $"round 1 of {eventId} failed once");

        var again = await (await RedeliverAsync(eventId)).AssertOkAsync(HttpStatusCode.Accepted);

        Assert.Equal("pending", again.GetProperty("status").GetString());
        Assert.Equal([DeliverEvent.InstanceId(eventId, 1)], (await RoundsAsync(eventId)).Select(i => i.InstanceId));
        failing = false;
        await Events.WaitForStatusAsync(Service.Client(), purchaseId, "delivered");
    }

    [Fact]
    public async Task ARedeliveryWhoseRequestDiedAfterStartingTheRoundStillDelivers()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var (purchaseId, eventId) = await DeliveredEventAsync(receiver);
        var faults = Service.Services.GetRequiredService<WebhookFaults>();
        faults.AfterRedeliveryStarted = id =>
        {
            if (id == eventId) throw new InvalidOperationException("The process died between starting the round and reopening the event.");
        };
        try
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await RedeliverAsync(eventId)).StatusCode);
        }
        finally
        {
            faults.AfterRedeliveryStarted = null;
        }

        await Events.WaitForReceivedAsync(receiver, purchaseId, 2);
        var listed = await Eventually.ReturnsAsync(() => Events.ListAsync(Service.Client(), purchaseId),
            e => e.Single().GetProperty("attempts").GetInt32() == 2, Events.Patience, $"the second attempt of {eventId} recorded");
        Assert.Equal("delivered", listed.Single().GetProperty("status").GetString());
    }

    /// <summary>A cancelled purchase whose one event has been delivered once.</summary>
    private async Task<(string PurchaseId, string EventId)> DeliveredEventAsync(WebhookReceiver receiver)
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
        var purchaseId = Events.Id(purchase);
        await (await Service.Client().PostJsonAsync($"/api/purchases/{purchaseId}/cancel", new { })).AssertOkAsync();
        var evt = Assert.Single(await Events.WaitForStatusAsync(Service.Client(), purchaseId, "delivered"));
        Assert.Equal(1, evt.GetProperty("attempts").GetInt32());
        return (purchaseId, evt.GetProperty("id").GetString()!);
    }

    private Task<HttpResponseMessage> RedeliverAsync(string eventId) => Service.Client().PostAsync($"/api/events/{eventId}/redeliver", null);

    private async Task<List<OrchestrationMetadata>> RoundsAsync(string eventId)
    {
        var client = Service.Services.GetRequiredService<DurableTaskClient>();
        var rounds = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = eventId + "-redelivery-" }))
            rounds.Add(instance);
        return rounds;
    }
}
