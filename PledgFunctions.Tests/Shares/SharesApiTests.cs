using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Checkout;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Shares;

public sealed class SharesApiTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private TestService Service => fixture.Service;
    private readonly HttpClient _page = fixture.Service.Client(apiKey: null);

    [Fact]
    public async Task AShareShowsWhatThePledgerOwes()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2, amount: 9000);
        var share = await (await _page.GetAsync($"/api/shares/{ShareToken(pledge, 1)}")).AssertOkAsync();

        Assert.Equal(pledge.GetProperty("shares")[1].GetProperty("email").GetString(), share.GetProperty("email").GetString());
        Assert.Equal(3000, share.GetProperty("amount").GetInt64());
        Assert.Equal("EUR", share.GetProperty("currency").GetString());
        Assert.Equal("INITIALIZED", share.GetProperty("state").GetString());
        Assert.Equal(purchase.GetProperty("organizerEmail").GetString(), share.GetProperty("organizerEmail").GetString());
        Assert.Equal("Test Shop A", share.GetProperty("merchantName").GetString());
        Assert.Equal(pledge.GetProperty("deadline").GetString(), share.GetProperty("deadline").GetString());
        Assert.Equal("INITIALIZED", share.GetProperty("purchaseState").GetString());
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task UnknownShareTokensAreNotFound(string token)
    {
        await (await _page.GetAsync($"/api/shares/{token}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await PayAsync(_page, token)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>A pay's nudge is raised only after its read of the share has checked the token and
    /// the share: what the read refuses is answered as before and charges nothing.</summary>
    [Fact]
    public async Task PaysRefusedByTheReadAnswerAsBeforeAndChargeNothing()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        var token = ShareToken(pledge, 1);
        var forged = token[..^3] + (token[^3] == 'A' ? "BAA" : "AAA");

        await (await PayAsync(_page, forged)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await _page.PostJsonAsync($"/api/shares/{forged}/pay", new { card = new { number = "1" } })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await PayAsync(_page, token)).AssertOkAsync();
        await (await PayAsync(_page, token)).AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");

        var charges = await SettledLedgerAsync(Service, id);
        Assert.Equal(2, charges.Count); // the organizer's and share 1's, both captured
        Assert.All(charges, c => Assert.Equal("captured", c.State));
    }

    [Fact]
    public async Task PayingEveryShareSucceedsThePurchaseInTheLastStep()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        var id = purchase.GetProperty("id").GetString();

        var first = await (await PayAsync(_page, ShareToken(pledge, 1))).AssertOkAsync();
        Assert.Equal("""{"state":"SUCCESSFULL","purchaseState":"INITIALIZED"}""", first.ToString());
        var middle = await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal("INITIALIZED", middle.GetProperty("state").GetString());

        var last = await (await PayAsync(_page, ShareToken(pledge, 2))).AssertOkAsync();
        Assert.Equal("""{"state":"SUCCESSFULL","purchaseState":"SUCCESSFULL"}""", last.ToString());
        var done = await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", done.GetProperty("state").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, done.GetProperty("completedAt").ValueKind);

        var share = await (await _page.GetAsync($"/api/shares/{ShareToken(pledge, 1)}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", share.GetProperty("state").GetString());
        Assert.Equal("4242", share.GetProperty("cardLast4").GetString());
        var ledger = await SettledLedgerAsync(Service, id!);
        Assert.Equal(3, ledger.Count(c => c.State == SandboxChargeState.Captured));
        Assert.Equal(12000 + 4000 + 4000, ledger.Sum(c => c.Amount));
    }

    [Fact]
    public async Task APaidShareAnswersShareAlreadyPaidWhateverThePurchaseState()
    {
        var (_, pledge) = await PledgedPurchaseAsync(Service, 1);
        await (await PayAsync(_page, ShareToken(pledge, 1))).AssertOkAsync();
        // The purchase is SUCCESSFULL now: the share's own state still decides the answer.
        await (await PayAsync(_page, ShareToken(pledge, 1))).AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");
    }

    [Fact]
    public async Task ADeclinedCardChangesNothingAndAnotherCardCanPay()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 1);
        var id = purchase.GetProperty("id").GetString()!;
        var before = await RawPartitionAsync(Service, id);

        await (await PayAsync(_page, ShareToken(pledge, 1), Cards.Declined)).AssertProblemAsync(HttpStatusCode.PaymentRequired, "card_declined");
        await (await PayAsync(_page, ShareToken(pledge, 1), Cards.InsufficientFunds)).AssertProblemAsync(HttpStatusCode.PaymentRequired, "card_declined");

        Assert.Equal(before, await RawPartitionAsync(Service, id));
        await (await PayAsync(_page, ShareToken(pledge, 1))).AssertOkAsync();
    }

    [Fact]
    public async Task InvalidCardsAreRefusedBeforeAnyCharge()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 1);
        var bad = new { number = "1234567812345678", expMonth = 1, expYear = 2020, cvc = "x" };
        var problem = await (await PayAsync(_page, ShareToken(pledge, 1), bad)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "card.number");
        Assert.True(problem.GetProperty("errors").TryGetProperty("card.cvc", out _));
        await (await _page.PostAsync($"/api/shares/{ShareToken(pledge, 1)}/pay", Http.Json("{}")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "card");
        Assert.Single(await LedgerAsync(Service, purchase.GetProperty("id").GetString()!)); // the organizer's charge only
    }

    [Fact]
    public async Task FiftyConcurrentPaysOfOneShareCaptureOnce()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        var token = ShareToken(pledge, 1);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PayAsync(Service.Client(null), token)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");
        var shareCharges = (await SettledLedgerAsync(Service, id)).Where(c => c.ShareRowKey == ShareEntity.RowKeyFor(1)).ToList();
        Assert.Equal(1, shareCharges.Count(c => c.State == SandboxChargeState.Captured));
        Assert.Equal(shareCharges.Count - 1, shareCharges.Count(c => c.State == SandboxChargeState.Voided));
        Assert.True(shareCharges.Count >= 2, $"the race should have authorized more than once ({shareCharges.Count})");
    }

    [Fact]
    public async Task ConcurrentPaysOfDifferentSharesAllLand()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 10);
        var responses = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => PayAsync(Service.Client(null), ShareToken(pledge, i))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var read = await (await Service.Client().GetAsync($"/api/purchases/{purchase.GetProperty("id").GetString()}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", read.GetProperty("state").GetString());
    }

    [Fact]
    public async Task CardNumbersAndCvcsAreNeverStored()
    {
        var card = new { number = "5555555555554444", expMonth = 11, expYear = 2031, cvc = "7319" };
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var pledge = await (await PledgeAsync(_page, TestPurchases.OrganizerToken(purchase), Pledgers(1), card)).AssertOkAsync();
        await (await PayAsync(_page, ShareToken(pledge, 1), card)).AssertOkAsync();

        var storage = Service.Services.GetRequiredService<StorageClients>();
        var cells = 0;
        foreach (var table in storage.AllTables)
            await foreach (var row in table.QueryAsync<TableEntity>())
                foreach (var (name, value) in row)
                {
                    cells++;
                    var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    Assert.DoesNotContain("5555555555554444", text);
                    Assert.NotEqual("7319", text);
                    Assert.DoesNotContain("cvc", name, StringComparison.OrdinalIgnoreCase);
                    Assert.False(name.Equals("Number", StringComparison.OrdinalIgnoreCase) || name.Contains("CardNumber", StringComparison.OrdinalIgnoreCase));
                }
        Assert.True(cells > 100);
        var share = await (await _page.GetAsync($"/api/shares/{ShareToken(pledge, 1)}")).AssertOkAsync();
        Assert.Equal("4444", share.GetProperty("cardLast4").GetString());
    }
}
