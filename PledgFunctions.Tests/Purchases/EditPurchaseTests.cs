using System.Net;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Purchases;

public sealed class EditPurchaseTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private TestService Service => fixture.Service;
    private readonly HttpClient _merchant = fixture.Service.Client();

    private Task<HttpResponseMessage> PatchAsync(string id, string json, HttpClient? client = null) =>
        (client ?? _merchant).PatchAsync($"/api/purchases/{id}", Http.Json(json));

    private static string Id(JsonElement purchase) => purchase.GetProperty("id").GetString()!;

    [Fact]
    public async Task AnEditChangesOnlyTheGivenFields()
    {
        var created = await TestPurchases.CreateAsync(_merchant);

        var edited = await (await PatchAsync(Id(created), """{"reference": "order-edited"}""")).AssertOkAsync();

        Assert.Equal("order-edited", edited.GetProperty("reference").GetString());
        foreach (var kept in new[] { "id", "paymentUrl", "organizerEmail", "amount", "currency", "cart", "createdAt", "deadline", "state" })
            Assert.Equal(created.GetProperty(kept).GetRawText(), edited.GetProperty(kept).GetRawText());
        var read = await (await _merchant.GetAsync($"/api/purchases/{Id(created)}")).AssertOkAsync();
        Assert.Equal(edited.GetRawText(), read.GetRawText());
    }

    [Fact]
    public async Task AnEditOfAmountCurrencyAndCartIsWhatThePagesShow()
    {
        var created = await TestPurchases.CreateAsync(_merchant);

        var edited = await (await PatchAsync(Id(created),
            """{"amount": 700, "currency": "JPY", "cart": [{"name": "Mug", "quantity": 7, "unitAmount": 100}]}""")).AssertOkAsync();

        Assert.Equal(700, edited.GetProperty("amount").GetInt64());
        Assert.Equal("JPY", edited.GetProperty("currency").GetString());
        Assert.Equal("Mug", edited.GetProperty("cart")[0].GetProperty("name").GetString());
        var page = await (await Service.Client(null).GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(created)}")).AssertOkAsync();
        Assert.Equal(700, page.GetProperty("amount").GetInt64());
        Assert.Equal("JPY", page.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task NullClearsCartAndReference()
    {
        var created = await TestPurchases.CreateAsync(_merchant);

        var edited = await (await PatchAsync(Id(created), """{"cart": null, "reference": null, "notificationUrl": null, "amount": 999}""")).AssertOkAsync();

        Assert.Equal(JsonValueKind.Null, edited.GetProperty("cart").ValueKind);
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("reference").ValueKind);
        Assert.Equal(999, edited.GetProperty("amount").GetInt64());
    }

    [Theory]
    [InlineData("""{"amount": 5000}""", "cart")]                       // the kept cart no longer adds up
    [InlineData("""{"amount": null}""", "amount")]
    [InlineData("""{"currency": null}""", "currency")]
    [InlineData("""{"currency": "eur"}""", "currency")]
    [InlineData("""{"amount": "12000"}""", "amount")]
    [InlineData("""{"cart": [{"name": "", "quantity": 1, "unitAmount": 12000}]}""", "cart[0].name")]
    [InlineData("""{"notificationUrl": "ftp://example.com/x"}""", "notificationUrl")]
    [InlineData("""{"reference": 5}""", "reference")]
    [InlineData("""[]""", "body")]
    [InlineData("", "body")]
    public async Task AnEditMustPassEveryRuleOfCreateAndChangesNothingOtherwise(string json, string field)
    {
        var created = await TestPurchases.CreateAsync(_merchant);
        var before = await RawPartitionAsync(Service, Id(created));

        await (await PatchAsync(Id(created), json)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", field);

        Assert.Equal(before, await RawPartitionAsync(Service, Id(created)));
    }

    [Fact]
    public async Task AfterThePledgeAnEditIs409()
    {
        var (purchase, _) = await PledgedPurchaseAsync(Service, pledgers: 1);
        var before = await RawPartitionAsync(Service, Id(purchase));

        await (await PatchAsync(Id(purchase), """{"reference": "late"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");

        Assert.Equal(before, await RawPartitionAsync(Service, Id(purchase)));
    }

    [Fact]
    public async Task AfterACancelAnEditIs409()
    {
        var created = await TestPurchases.CreateAsync(_merchant);
        await (await _merchant.PostAsync($"/api/purchases/{Id(created)}/cancel", null)).AssertOkAsync();

        await (await PatchAsync(Id(created), """{"reference": "late"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
    }

    [Fact]
    public async Task AnotherMerchantsPurchaseOrAnUnknownIdIs404()
    {
        var created = await TestPurchases.CreateAsync(_merchant);
        await (await PatchAsync(Id(created), """{"reference": "x"}""", Service.Client(TestService.OtherMerchantKey)))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await PatchAsync("pur_00000000000000000000000000000000", """{"reference": "x"}""")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AnEditLandingWhileThePledgeIsAuthorizingMakesThePledge409AndVoidsItsCharge()
    {
        var created = await TestPurchases.CreateAsync(_merchant, new { organizerEmail = $"race+{Guid.NewGuid():N}@example.com", amount = 1000, currency = "EUR" });
        var faults = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<PledgFunctions.Payments.PaymentFaults>(Service.Services);
        // Between the pledge's read (and authorization of 1000) and its commit, the merchant edits the amount.
        faults.AfterAuthorize = _ => PatchAsync(Id(created), """{"amount": 2000}""").GetAwaiter().GetResult().EnsureSuccessStatusCode();
        HttpResponseMessage pledge;
        try
        {
            pledge = await PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(created), Pledgers(1));
        }
        finally
        {
            faults.AfterAuthorize = null;
        }

        await pledge.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        var ledger = await LedgerAsync(Service, Id(created));
        Assert.All(ledger, c => Assert.Equal("voided", c.State));
        var read = await (await _merchant.GetAsync($"/api/purchases/{Id(created)}")).AssertOkAsync();
        Assert.Equal(2000, read.GetProperty("amount").GetInt64());
        Assert.Empty(read.GetProperty("pledgerEmails").EnumerateArray());
    }

    [Fact]
    public async Task ManyEditsRacingAPledgeNeverChargeAnotherAmountThanThePledgeAnswered()
    {
        for (var round = 0; round < 8; round++)
        {
            var created = await TestPurchases.CreateAsync(_merchant, new { organizerEmail = $"race+{Guid.NewGuid():N}@example.com", amount = 1000, currency = "EUR" });
            var id = Id(created);
            var edits = Enumerable.Range(1, 12).Select(i => PatchAsync(id, $$"""{"amount": {{1000 + i}}}""", Service.Client())).ToList();
            var pledgeTask = PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(created), Pledgers(2));
            var pledge = await pledgeTask;
            var editStatuses = (await Task.WhenAll(edits)).Select(r => r.StatusCode).ToList();

            Assert.All(editStatuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
            var captured = (await SettledLedgerAsync(Service, id)).Where(c => c.State == "captured").ToList();
            var read = await (await _merchant.GetAsync($"/api/purchases/{id}")).AssertOkAsync();
            if (pledge.StatusCode == HttpStatusCode.OK)
            {
                var answered = (await pledge.ReadJsonAsync()).GetProperty("shares").EnumerateArray().Sum(s => s.GetProperty("amount").GetInt64());
                Assert.Equal(answered, Assert.Single(captured).Amount);
                Assert.Equal(answered, read.GetProperty("amount").GetInt64());
            }
            else
            {
                await pledge.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
                Assert.Empty(captured);
            }
        }
    }
}
