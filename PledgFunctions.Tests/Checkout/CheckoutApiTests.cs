using System.Net;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Checkout;

public sealed class CheckoutApiTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private TestService Service => fixture.Service;
    private readonly HttpClient _page = fixture.Service.Client(apiKey: null);

    [Fact]
    public async Task CheckoutShowsTheCartAndNoSharesBeforeThePledge()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var checkout = await (await _page.GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(purchase)}")).AssertOkAsync();

        Assert.Equal("Test Shop A", checkout.GetProperty("merchantName").GetString());
        Assert.Equal(12000, checkout.GetProperty("amount").GetInt64());
        Assert.Equal("EUR", checkout.GetProperty("currency").GetString());
        Assert.Equal(purchase.GetProperty("organizerEmail").GetString(), checkout.GetProperty("organizerEmail").GetString());
        Assert.Equal("INITIALIZED", checkout.GetProperty("state").GetString());
        Assert.Equal(purchase.GetProperty("deadline").GetString(), checkout.GetProperty("deadline").GetString());
        Assert.Equal(1, checkout.GetProperty("cart").GetArrayLength());
        Assert.Empty(checkout.GetProperty("shares").EnumerateArray());
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task UnknownTokensAreNotFound(string token)
    {
        await (await _page.GetAsync($"/api/checkout/{token}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await PledgeAsync(_page, token, [])).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task ATokenWithTheRightPurchaseButAWrongSecretIsNotFound()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var token = TestPurchases.OrganizerToken(purchase);
        var forged = token[..^3] + (token[^3] == 'A' ? "BAA" : "AAA");
        await (await _page.GetAsync($"/api/checkout/{forged}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        // Refused by the read that checks the token, before any nudge: nothing is charged (ForgedTokenTests).
        await (await PledgeAsync(_page, forged, [])).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await SettledLedgerAsync(Service, purchase.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task EqualSplitPutsTheRemainderOnTheOrganizersShare()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(10001));
        var token = TestPurchases.OrganizerToken(purchase);
        var pledgers = Pledgers(2);

        var pledge = await (await PledgeAsync(_page, token, pledgers)).AssertOkAsync();

        Assert.Equal("INITIALIZED", pledge.GetProperty("state").GetString());
        var shares = pledge.GetProperty("shares").EnumerateArray().ToList();
        Assert.Equal([3335L, 3333L, 3333L], shares.Select(s => s.GetProperty("amount").GetInt64()));
        Assert.Equal(purchase.GetProperty("organizerEmail").GetString(), shares[0].GetProperty("email").GetString());
        Assert.Equal("SUCCESSFULL", shares[0].GetProperty("state").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, shares[0].GetProperty("shareUrl").ValueKind);
        Assert.All(shares.Skip(1), s => Assert.Equal("INITIALIZED", s.GetProperty("state").GetString()));
        Assert.All(shares.Skip(1), s => Assert.Contains("/pay/share/", s.GetProperty("shareUrl").GetString()));
        Assert.Equal(2, shares.Skip(1).Select(s => s.GetProperty("shareUrl").GetString()).Distinct().Count());

        var read = await (await Service.Client().GetAsync($"/api/purchases/{purchase.GetProperty("id").GetString()}")).AssertOkAsync();
        Assert.Equal(shares.Skip(1).Select(s => s.GetProperty("email").GetString()), read.GetProperty("pledgerEmails").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(pledge.GetProperty("deadline").GetString(), read.GetProperty("deadline").GetString());
        Assert.True(read.GetProperty("deadline").GetDateTimeOffset() > purchase.GetProperty("deadline").GetDateTimeOffset(),
            "the deadline restarts at the pledge");

        var checkout = await (await _page.GetAsync($"/api/checkout/{token}")).AssertOkAsync();
        Assert.Equal(3, checkout.GetProperty("shares").GetArrayLength());
    }

    [Fact]
    public async Task AnEqualSplitLeavingPledgersZeroIs400AndChargesNothing()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(5, "JPY"));

        var response = await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase), Pledgers(6));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "pledgers");
        Assert.Empty(await LedgerAsync(Service, purchase.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task CustomAmountsLeaveTheRestToTheOrganizer()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(10000));
        var pledge = await (await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase),
            [new { email = "bob@example.com", amount = 2500 }, new { email = "carol@example.com", amount = 3000 }])).AssertOkAsync();
        Assert.Equal([4500L, 2500L, 3000L], pledge.GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("amount").GetInt64()));
    }

    [Fact]
    public async Task PledgeWithoutPledgersSucceedsAtOnce()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var pledge = await (await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase), [])).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", pledge.GetProperty("state").GetString());
        var read = await (await Service.Client().GetAsync($"/api/purchases/{purchase.GetProperty("id").GetString()}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", read.GetProperty("state").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, read.GetProperty("completedAt").ValueKind);
    }

    public static TheoryData<string, string> InvalidPledges => new()
    {
        { """{"pledgers": [{"email": "bob@example.com"}, {"email": "BOB@example.com"}], "card": CARD}""", "pledgers[1].email" },
        { """{"pledgers": [{"email": "ORGANIZER"}], "card": CARD}""", "pledgers[0].email" },
        { """{"pledgers": [{"email": "not-an-email"}], "card": CARD}""", "pledgers[0].email" },
        { """{"pledgers": [{"email": "bob@example.com", "amount": 100}, {"email": "carol@example.com"}], "card": CARD}""", "pledgers" },
        { """{"pledgers": [{"email": "bob@example.com", "amount": 0}], "card": CARD}""", "pledgers[0].amount" },
        { """{"pledgers": [{"email": "bob@example.com", "amount": 12001}], "card": CARD}""", "pledgers" },
        { """{"pledgers": [{"email": "bob@example.com", "amount": "100"}], "card": CARD}""", "pledgers[0].amount" },
        { """{"pledgers": "bob", "card": CARD}""", "pledgers" },
        { """{"pledgers": []}""", "card" },
        { """{"pledgers": [], "card": {"number": "4242424242424241", "expMonth": 12, "expYear": 2030, "cvc": "123"}}""", "card.number" },
        { """{"pledgers": [], "card": {"number": "42424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}}""", "card.number" },
        { """{"pledgers": [], "card": {"number": 4242424242424242, "expMonth": 12, "expYear": 2030, "cvc": "123"}}""", "card.number" },
        { """{"pledgers": [], "card": {"number": "4242424242424242", "expMonth": 13, "expYear": 2030, "cvc": "123"}}""", "card.expMonth" },
        { """{"pledgers": [], "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2020, "cvc": "123"}}""", "card.expYear" },
        { """{"pledgers": [], "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "12"}}""", "card.cvc" },
        { """{"pledgers": [], "card": CARD""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidPledges))]
    public async Task InvalidPledgesAnswer400AndChangeNothing(string template, string field)
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var id = purchase.GetProperty("id").GetString()!;
        var before = await RawPartitionAsync(Service, id);
        var json = template.Replace("CARD", """{"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}""")
            .Replace("ORGANIZER", purchase.GetProperty("organizerEmail").GetString()!.ToUpperInvariant());

        var response = await _page.PostAsync($"/api/checkout/{TestPurchases.OrganizerToken(purchase)}/pledge", Http.Json(json));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", field);
        Assert.Equal(before, await RawPartitionAsync(Service, id));
        Assert.Empty(await LedgerAsync(Service, id));
    }

    [Fact]
    public async Task MoreThanTwentyPledgersAreRefused()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        await (await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase), Pledgers(21)))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "pledgers");
        var twenty = await (await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase), Pledgers(20))).AssertOkAsync();
        Assert.Equal(21, twenty.GetProperty("shares").GetArrayLength());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeclinedCardsChangeNothing(bool insufficientFunds)
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var id = purchase.GetProperty("id").GetString()!;
        var before = await RawPartitionAsync(Service, id);

        var response = await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase), Pledgers(2),
            insufficientFunds ? Cards.InsufficientFunds : Cards.Declined);

        await response.AssertProblemAsync(HttpStatusCode.PaymentRequired, "card_declined");
        Assert.Equal(before, await RawPartitionAsync(Service, id));
        Assert.Empty(await LedgerAsync(Service, id));
        await (await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase), Pledgers(2))).AssertOkAsync();
    }

    [Fact]
    public async Task APledgedOrCancelledPurchaseCannotBePledgedAgain()
    {
        var (purchase, _) = await PledgedPurchaseAsync(Service, 1);
        var token = TestPurchases.OrganizerToken(purchase);
        await (await PledgeAsync(_page, token, Pledgers(1))).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");

        var cancelled = await TestPurchases.CreateAsync(Service.Client());
        await (await Service.Client().PostAsync($"/api/purchases/{cancelled.GetProperty("id").GetString()}/cancel", null)).AssertOkAsync();
        await (await PledgeAsync(_page, TestPurchases.OrganizerToken(cancelled), Pledgers(1)))
            .AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        var checkout = await (await _page.GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(cancelled)}")).AssertOkAsync();
        Assert.Equal("FAILED", checkout.GetProperty("state").GetString());
        Assert.Equal("cancelled", checkout.GetProperty("failureReason").GetString());
    }

    [Fact]
    public async Task TwentyConcurrentPledgesChargeTheOrganizerOnce()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var id = purchase.GetProperty("id").GetString()!;
        var token = TestPurchases.OrganizerToken(purchase);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PledgeAsync(Service.Client(null), token, Pledgers(2))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        var ledger = await SettledLedgerAsync(Service, id);
        // Requests that read the purchase after the winner committed are refused before authorizing.
        Assert.Equal(1, ledger.Count(c => c.State == SandboxChargeState.Captured));
        Assert.Equal(ledger.Count - 1, ledger.Count(c => c.State == SandboxChargeState.Voided));
        var checkout = await (await _page.GetAsync($"/api/checkout/{token}")).AssertOkAsync();
        Assert.Equal(3, checkout.GetProperty("shares").GetArrayLength());
    }
}

internal static class SandboxChargeState
{
    public const string Captured = PledgFunctions.Payments.SandboxChargeEntity.Captured;
    public const string Voided = PledgFunctions.Payments.SandboxChargeEntity.Voided;
}
