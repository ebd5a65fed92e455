using PledgFunctions.Client;
using PledgFunctions.Client.Generated;
using Generated = PledgFunctions.Client.Generated;
using PledgFunctions.Client.Generated.Models;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Client;

/// <summary>The contract's calls made through the SDK against the running service, one step a
/// method, so a flow test reads as the contract's story and a new route is one more step.</summary>
public sealed class SdkSteps(TestService service, string? apiKey = TestService.MerchantKey)
{
    public PledgApiClient Merchant { get; } = PledgClient.Create(service.BaseAddress, apiKey);

    /// <summary>The hosted pages' calls carry no merchant key.</summary>
    public PledgApiClient Page { get; } = PledgClient.Create(service.BaseAddress);

    public static CardInput Card(string number = "4242424242424242") => new() { Number = number, ExpMonth = 12, ExpYear = 2030, Cvc = "123" };

    public static CreatePurchaseRequest NewPurchase(long amount = 12000, string organizer = "alice@example.com") => new()
    {
        OrganizerEmail = organizer,
        Amount = amount,
        Currency = Currency.EUR,
        Cart = [new CartItem { Name = "Tent", Quantity = 1, UnitAmount = amount }],
        Reference = "order-" + Guid.NewGuid().ToString("N")[..8],
    };

    public async Task<Purchase> CreateAsync(CreatePurchaseRequest? request = null, string? idempotencyKey = null) =>
        (await Merchant.Api.Purchases.PostAsync(request ?? NewPurchase(), c =>
        {
            if (idempotencyKey is not null) c.IdempotencyKey(idempotencyKey);
        }))!;

    public async Task<Purchase> GetAsync(string id) => (await Merchant.Api.Purchases[id].GetAsync())!;

    public async Task<PurchaseState?> StatusAsync(string id) => (await Merchant.Api.Purchases[id].Status.GetAsync())!.State;

    public async Task<PurchaseList> ListAsync(string organizerEmail, int limit) =>
        (await Merchant.Api.Purchases.GetAsync(c =>
        {
            c.QueryParameters.OrganizerEmail = organizerEmail;
            c.QueryParameters.Limit = limit;
        }))!;

    public async Task<Purchase> CancelAsync(string id, string? reason = null) =>
        (await Merchant.Api.Purchases[id].Cancel.PostAsync(new CancelPurchaseRequest { Reason = reason }))!;

    public async Task<Generated.Models.Checkout> CheckoutAsync(Purchase purchase) => (await Page.Api.Checkout[OrganizerToken(purchase)].GetAsync())!;

    public async Task<PledgeResult> PledgeAsync(Purchase purchase, string[] pledgers, string card = "4242424242424242") =>
        (await Page.Api.Checkout[OrganizerToken(purchase)].Pledge.PostAsync(new PledgeRequest
        {
            Pledgers = [.. pledgers.Select(e => new PledgerInput { Email = e })],
            Card = Card(card),
        }))!;

    public async Task<Share> ShareAsync(CheckoutShare share) => (await Page.Api.Shares[ShareToken(share)].GetAsync())!;

    public async Task<PayResult> PayAsync(CheckoutShare share) =>
        (await Page.Api.Shares[ShareToken(share)].Pay.PostAsync(new PayRequest { Card = Card() }))!;

    public async Task<EventList> EventsAsync(string id) => (await Merchant.Api.Purchases[id].Events.GetAsync())!;

    public static string OrganizerToken(Purchase purchase) => new Uri(purchase.PaymentUrl!).Segments[^1];

    public static string ShareToken(CheckoutShare share) => new Uri(share.ShareUrl!).Segments[^1];
}
