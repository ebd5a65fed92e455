using PledgFunctions.Client;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Client;

/// <summary>The SDK's webhook helper on a real delivery: the bytes and the Pledg-Signature header the
/// service POSTed to a receiver verify with the merchant's secret and parse into the event's type.</summary>
public sealed class SdkWebhookDeliveryTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    [Fact]
    public async Task ARealDeliveryVerifiesAndParsesIntoItsType()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
        await (await PledgeAsync(fixture.Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(0))).AssertOkAsync();
        var delivery = (await Events.WaitForReceivedAsync(receiver, Events.Id(purchase), count: 2)).First(d => d.Type == "purchase.succeeded");

        var evt = await PledgWebhooks.ReadEventAsync(delivery.Signature, delivery.RawBody, TestService.MerchantSecret);

        Assert.Equal(PledgWebhooks.EventTypes.PurchaseSucceeded, evt.Type);
        Assert.Equal((Events.Id(purchase), 12000L), (evt.Data!.Id, evt.Data.Amount!.Value));
        Assert.False(PledgWebhooks.Verify(delivery.Signature, delivery.RawBody, "whsec_someone_else_0123456789"));
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            PledgWebhooks.ReadEventAsync(delivery.Signature, [.. delivery.RawBody, (byte)' '], TestService.MerchantSecret));
    }
}
