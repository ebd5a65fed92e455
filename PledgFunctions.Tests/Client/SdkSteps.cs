using System.Net.Http.Json;
using System.Text.Json;
using PledgFunctions.Client;
using PledgFunctions.Client.Generated;
using PledgFunctions.Client.Generated.Models;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Client;

/// <summary>The contract's calls made through the SDK against the running service, one step a
/// method, so a flow test reads as the contract's story and a new route is one more step.</summary>
public sealed class SdkSteps(TestService service, string? apiKey = TestService.MerchantKey)
{
    public PledgApiClient Merchant { get; } = PledgClient.Create(service.BaseAddress, apiKey);

    /// <summary>The hosted pages' calls carry no merchant key.</summary>
    private readonly HttpClient _page = service.Client(apiKey: null);

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

    // The hosted pages' calls are not in the merchant's SDK (they are in /openapi/pages.json): plain HTTP, as the pages make them.
    public async Task<PageCheckout> CheckoutAsync(Purchase purchase) =>
        (await _page.GetFromJsonAsync<PageCheckout>($"/api/checkout/{OrganizerToken(purchase)}", JsonSerializerOptions.Web))!;

    public async Task<PagePledge> PledgeAsync(Purchase purchase, string[] pledgers, string card = "4242424242424242")
    {
        var response = await _page.PostAsJsonAsync($"/api/checkout/{OrganizerToken(purchase)}/pledge",
            new { pledgers = pledgers.Select(e => new { email = e }), card = PageCard(card) });
        return (await response.AssertOkAsync()).Deserialize<PagePledge>(JsonSerializerOptions.Web)!;
    }

    public Task<HttpResponseMessage> TryPledgeAsync(Purchase purchase, string[] pledgers, string card = "4242424242424242") =>
        _page.PostAsJsonAsync($"/api/checkout/{OrganizerToken(purchase)}/pledge", new { pledgers = pledgers.Select(e => new { email = e }), card = PageCard(card) });

    public async Task<PageShareDetails> ShareAsync(PageShare share) =>
        (await _page.GetFromJsonAsync<PageShareDetails>($"/api/shares/{ShareToken(share)}", JsonSerializerOptions.Web))!;

    public async Task<PagePayResult> PayAsync(PageShare share)
    {
        var response = await _page.PostAsJsonAsync($"/api/shares/{ShareToken(share)}/pay", new { card = PageCard() });
        return (await response.AssertOkAsync()).Deserialize<PagePayResult>(JsonSerializerOptions.Web)!;
    }

    private static object PageCard(string number = "4242424242424242") => new { number, expMonth = 12, expYear = 2030, cvc = "123" };

    public async Task<EventList> EventsAsync(string id) => (await Merchant.Api.Purchases[id].Events.GetAsync())!;

    public static string OrganizerToken(Purchase purchase) => new Uri(purchase.PaymentUrl!).Segments[^1];

    public static string ShareToken(PageShare share) => new Uri(share.ShareUrl!).Segments[^1];
}

public sealed record PageShare(string Email, long Amount, string State, string? ShareUrl);

public sealed record PageCheckout(long Amount, string State, PageShare[] Shares);

public sealed record PagePledge(string State, PageShare[] Shares);

public sealed record PageShareDetails(string Email, long Amount, string State);

public sealed record PagePayResult(string State, string PurchaseState);
