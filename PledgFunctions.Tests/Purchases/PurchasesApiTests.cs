using System.Net;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Purchases;

public sealed class PurchasesApiTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly HttpClient _merchant = fixture.Service.Client();

    [Fact]
    public async Task CreatingAPurchaseAnswers201WithLocationAndTheContractFields()
    {
        var response = await _merchant.PostAsync("/api/purchases", Http.Json("""
            { "organizerEmail": "alice@example.com", "amount": 12000, "currency": "EUR",
              "cart": [ { "name": "Tent", "quantity": 1, "unitAmount": 9000 }, { "name": "Stove", "quantity": 2, "unitAmount": 1500 } ],
              "reference": "order-123", "notificationUrl": "https://merchant.example/pledg-events", "unknownField": true }
            """));
        var purchase = await response.AssertOkAsync(HttpStatusCode.Created);

        var id = purchase.GetProperty("id").GetString()!;
        Assert.StartsWith("pur_", id);
        Assert.Equal($"/api/purchases/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("INITIALIZED", purchase.GetProperty("state").GetString());
        Assert.Equal(12000, purchase.GetProperty("amount").GetInt64());
        Assert.Equal(JsonValueKind.Number, purchase.GetProperty("amount").ValueKind);
        Assert.Equal("EUR", purchase.GetProperty("currency").GetString());
        Assert.Equal(2, purchase.GetProperty("cart").GetArrayLength());
        Assert.Equal("order-123", purchase.GetProperty("reference").GetString());
        Assert.Empty(purchase.GetProperty("pledgerEmails").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, purchase.GetProperty("completedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, purchase.GetProperty("failureReason").ValueKind);
        var created = purchase.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(48), purchase.GetProperty("deadline").GetDateTimeOffset() - created);
        Assert.EndsWith("Z", purchase.GetProperty("createdAt").GetString());

        // The page token is not the id and carries at least 128 bits.
        var paymentUrl = new Uri(purchase.GetProperty("paymentUrl").GetString()!);
        Assert.Equal("pay", paymentUrl.Segments[1].Trim('/'));
        var token = TestPurchases.OrganizerToken(purchase);
        Assert.NotEqual(id, token);
        Assert.True(token.Length * 6 >= 128 + 128, "token should carry the partition and >= 128 random bits");
    }

    [Fact]
    public async Task GetAndStatusReturnThePurchase()
    {
        var purchase = await TestPurchases.CreateAsync(_merchant);
        var id = purchase.GetProperty("id").GetString();

        var read = await (await _merchant.GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal(purchase.ToString(), read.ToString());
        var status = await (await _merchant.GetAsync($"/api/purchases/{id}/status")).AssertOkAsync();
        Assert.Equal("""{"state":"INITIALIZED"}""", status.ToString());
    }

    [Fact]
    public async Task AnotherMerchantsPurchaseIsNotFound()
    {
        var id = (await TestPurchases.CreateAsync(_merchant)).GetProperty("id").GetString();
        var other = fixture.Service.Client(TestService.OtherMerchantKey);

        await (await other.GetAsync($"/api/purchases/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.GetAsync($"/api/purchases/{id}/status")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.PostAsync($"/api/purchases/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var list = await (await other.GetAsync("/api/purchases?limit=100")).AssertOkAsync();
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetString() == id);
    }

    [Theory]
    [InlineData("pur_00000000000000000000000000000000")]
    [InlineData("not-an-id")]
    public async Task UnknownIdIsNotFound(string id)
    {
        await (await _merchant.GetAsync($"/api/purchases/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await _merchant.GetAsync($"/api/purchases/{id}/status")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await _merchant.PostAsync($"/api/purchases/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk_unknown_key_0123456789")]
    public async Task MissingOrUnknownApiKeyIsUnauthorized(string? key)
    {
        var client = fixture.Service.Client(key);
        var response = await client.PostJsonAsync("/api/purchases", TestPurchases.Body());
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        await (await client.GetAsync("/api/purchases")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("""{"amount": 100, "currency": "EUR"}""", "organizerEmail")]
    [InlineData("""{"organizerEmail": "not-an-email", "amount": 100, "currency": "EUR"}""", "organizerEmail")]
    [InlineData("""{"organizerEmail": "a@example.com", "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": "100", "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100.5, "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 1e3, "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 0, "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": -5, "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100000001, "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 99999999999999999999999, "currency": "EUR"}""", "amount")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100}""", "currency")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "XYZ"}""", "currency")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "eur"}""", "currency")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": 978}""", "currency")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR", "cart": [{"name": "A", "quantity": 1, "unitAmount": 99}]}""", "cart")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR", "cart": [{"name": "A", "quantity": 0, "unitAmount": 100}]}""", "cart[0].quantity")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR", "cart": [{"quantity": 1, "unitAmount": 100}]}""", "cart[0].name")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR", "cart": "tent"}""", "cart")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR", "notificationUrl": "/relative"}""", "notificationUrl")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR", "notificationUrl": "ftp://merchant.example/x"}""", "notificationUrl")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR", "reference": 12}""", "reference")]
    [InlineData("""{"organizerEmail": "a@example.com", "amount": 100, "currency": "EUR" """, "body")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""null""", "body")]
    [InlineData("", "body")]
    public async Task InvalidBodiesAnswer400WithTheField(string json, string field)
    {
        var response = await _merchant.PostAsync("/api/purchases", Http.Json(json));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", field);
    }

    [Fact]
    public async Task ReferenceLongerThan255CharactersIsRejected()
    {
        var body = new { organizerEmail = "a@example.com", amount = 100, currency = "EUR", reference = new string('r', 256) };
        await (await _merchant.PostJsonAsync("/api/purchases", body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "reference");
    }

    [Fact]
    public async Task OversizedBodyIsRejectedWithoutWriting()
    {
        var body = new { organizerEmail = "a@example.com", amount = 100, currency = "EUR", reference = new string('r', 200_000) };
        var response = await _merchant.PostJsonAsync("/api/purchases", body);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Theory]
    [InlineData("JPY", 1000)]
    [InlineData("KRW", 100000000)]
    [InlineData("GBP", 1)]
    [InlineData("CZK", 5000)]
    public async Task EverySupportedCurrencyAcceptsMinorUnitAmountsUpToTheLimit(string currency, long amount)
    {
        var purchase = await TestPurchases.CreateAsync(_merchant, TestPurchases.Body(amount, currency));
        Assert.Equal(amount, purchase.GetProperty("amount").GetInt64());
        Assert.Equal(currency, purchase.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task CancelMakesThePurchaseFailedOnce()
    {
        var id = (await TestPurchases.CreateAsync(_merchant)).GetProperty("id").GetString();

        var cancelled = await (await _merchant.PostJsonAsync($"/api/purchases/{id}/cancel", new { reason = "customer changed mind" })).AssertOkAsync();
        Assert.Equal("FAILED", cancelled.GetProperty("state").GetString());
        Assert.Equal("cancelled", cancelled.GetProperty("failureReason").GetString());
        var completedAt = cancelled.GetProperty("completedAt").GetString();
        Assert.NotNull(completedAt);

        await (await _merchant.PostAsync($"/api/purchases/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        var read = await (await _merchant.GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal(completedAt, read.GetProperty("completedAt").GetString());
    }

    [Fact]
    public async Task CancelValidatesItsOptionalBody()
    {
        var id = (await TestPurchases.CreateAsync(_merchant)).GetProperty("id").GetString();
        await (await _merchant.PostJsonAsync($"/api/purchases/{id}/cancel", new { reason = new string('x', 501) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "reason");
        await (await _merchant.PostAsync($"/api/purchases/{id}/cancel", Http.Json("{ nope"))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        var read = await (await _merchant.GetAsync($"/api/purchases/{id}/status")).AssertOkAsync();
        Assert.Equal("INITIALIZED", read.GetProperty("state").GetString());
    }

    [Fact]
    public async Task UnknownRouteIsAProblemWithACode()
    {
        await (await _merchant.GetAsync("/api/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
