using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Lifecycle;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.Webhooks;

public sealed class WebhookDeadlineTests(ShortWindowFixture fixture, ITestOutputHelper output) : IClassFixture<ShortWindowFixture>
{
    [Fact]
    public async Task TheDeadlineSendsOneSignedFailedEvent()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var merchant = fixture.Service.Client();
        var purchase = await TestPurchases.CreateAsync(merchant, TestPurchases.Body(notificationUrl: receiver.Url));

        var listed = Assert.Single(await Events.WaitForStatusAsync(merchant, Events.Id(purchase), "delivered"));

        var received = receiver.ReceivedFor(Events.Id(purchase));
        Assert.Single(received.Select(r => r.EventId).Distinct());
        Assert.Equal(listed.GetProperty("id").GetString(), received[0].EventId);
        Assert.Equal("purchase.failed", received[0].Type);
        var data = JsonDocument.Parse(received[0].RawBody).RootElement.GetProperty("data");
        Assert.Equal("FAILED", data.GetProperty("state").GetString());
        Assert.Equal("deadline_expired", data.GetProperty("failureReason").GetString());
        Assert.True(received[0].SignatureVerifies(TestService.MerchantSecret));
        output.WriteLine($"deadline {data.GetProperty("deadline").GetString()}, received {received[0].At:O}: event {received[0].EventId}, {received.Count} POST(s)");
    }
}

public sealed class WebhookTimeoutTests(WebhookFixture fixture, ITestOutputHelper output) : IClassFixture<WebhookFixture>
{
    [Fact]
    public async Task AReceiverThatHangsPastTenSecondsIsRetried()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync(async (_, call, ct) =>
        {
            if (call == 1) await Task.Delay(TimeSpan.FromSeconds(30), ct); // cancelled when the sender gives up and closes the connection
            return 200;
        });
        var merchant = fixture.Service.Client();
        var purchase = await TestPurchases.CreateAsync(merchant, TestPurchases.Body(notificationUrl: receiver.Url));
        await (await merchant.PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();

        var listed = Assert.Single(await Events.WaitForStatusAsync(merchant, Events.Id(purchase), "delivered"));

        var received = receiver.ReceivedFor(Events.Id(purchase));
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].EventId, received[1].EventId);
        Assert.Equal(2, listed.GetProperty("attempts").GetInt32());
        var gap = received[1].At - received[0].At;
        output.WriteLine($"hung first attempt, second after {gap.TotalSeconds:F2} s (10 s timeout + 1 s first retry delay); attempts {listed.GetProperty("attempts").GetInt32()}");
        Assert.True(gap >= TimeSpan.FromSeconds(10.5), $"the retry comes after the 10 s timeout and the retry delay, was {gap}");
    }
}
