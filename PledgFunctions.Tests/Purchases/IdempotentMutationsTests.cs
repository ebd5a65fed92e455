using System.Net;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Purchases;

/// <summary>Idempotency-Key on PATCH and cancel (create has <see cref="IdempotencyTests"/>).</summary>
public sealed class IdempotentMutationsTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private TestService Service => fixture.Service;

    private static HttpRequestMessage Request(HttpMethod method, string path, string key, string? json) =>
        new(method, path) { Content = json is null ? null : Http.Json(json), Headers = { { "Idempotency-Key", key } } };

    private static HttpRequestMessage Patch(string id, string key, string json) => Request(HttpMethod.Patch, $"/api/purchases/{id}", key, json);

    private static HttpRequestMessage Cancel(string id, string key, string? json = null) => Request(HttpMethod.Post, $"/api/purchases/{id}/cancel", key, json);

    private async Task<string> NewPurchaseAsync() =>
        (await TestPurchases.CreateAsync(Service.Client(), new { organizerEmail = $"idem+{Guid.NewGuid():N}@example.com", amount = 1000, currency = "EUR" }))
        .GetProperty("id").GetString()!;

    private async Task<JsonElement> ReadAsync(string id) => await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();

    [Fact]
    public async Task AReplayedPatchReturnsTheFirstResponseAndAppliesNothingAgain()
    {
        var id = await NewPurchaseAsync();
        var key = Guid.NewGuid().ToString();
        var first = await Service.Client().SendAsync(Patch(id, key, """{"amount": 1500}"""));
        var firstBytes = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        await (await Service.Client().PatchAsync($"/api/purchases/{id}", Http.Json("""{"amount": 1700}"""))).AssertOkAsync();

        var replay = await Service.Client().SendAsync(Patch(id, key, """{"amount": 1500}"""));

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBytes, await replay.Content.ReadAsByteArrayAsync());
        Assert.Equal(1700, (await ReadAsync(id)).GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task AReplayedCancelReturnsTheFirstResponse()
    {
        var id = await NewPurchaseAsync();
        var key = Guid.NewGuid().ToString();
        var first = await Service.Client().SendAsync(Cancel(id, key, """{"reason": "out of stock"}"""));
        var replay = await Service.Client().SendAsync(Cancel(id, key, """{"reason": "out of stock"}"""));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await replay.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task OnlyTheFirstResponseIsReplayedSoAConflictStaysAConflict()
    {
        var id = await NewPurchaseAsync();
        var key = Guid.NewGuid().ToString();
        await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertOkAsync();
        var first = await Service.Client().SendAsync(Patch(id, key, """{"reference": "x"}"""));
        await first.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");

        var replay = await Service.Client().SendAsync(Patch(id, key, """{"reference": "x"}"""));

        await replay.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task TheSameKeyOnAnotherRouteOrWithAnotherBodyIs422()
    {
        var id = await NewPurchaseAsync();
        var other = await NewPurchaseAsync();
        var key = Guid.NewGuid().ToString();
        await (await Service.Client().SendAsync(Patch(id, key, """{"reference": "x"}"""))).AssertOkAsync();

        await (await Service.Client().SendAsync(Patch(other, key, """{"reference": "x"}"""))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await (await Service.Client().SendAsync(Cancel(id, key, """{"reference": "x"}"""))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await (await Service.Client().SendAsync(Patch(id, key, """{"reference": "y"}"""))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        var create = Request(HttpMethod.Post, "/api/purchases", key, """{"reference": "x"}""");
        await (await Service.Client().SendAsync(create)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

        Assert.Equal("INITIALIZED", (await ReadAsync(id)).GetProperty("state").GetString());
        Assert.Equal("INITIALIZED", (await ReadAsync(other)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task KeysAreScopedToTheMerchant()
    {
        var id = await NewPurchaseAsync();
        var key = Guid.NewGuid().ToString();
        await (await Service.Client(TestService.OtherMerchantKey).SendAsync(Cancel(id, key))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        var mine = await Service.Client().SendAsync(Cancel(id, key));

        await mine.AssertOkAsync();
        Assert.False(mine.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task ConcurrentDuplicatesOfACancelGetTheReplayOrKeyInUse()
    {
        var id = await NewPurchaseAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Service.Client().SendAsync(Cancel(id, key))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK && !r.Headers.Contains("Idempotent-Replayed")));
        foreach (var r in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await r.AssertProblemAsync(HttpStatusCode.Conflict, "idempotency_key_in_use");
            Assert.NotNull(r.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task AMalformedKeyIs400OnEveryRoute()
    {
        var id = await NewPurchaseAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/purchases/{id}") { Content = Http.Json("""{"reference": "x"}""") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "has space");
        await (await Service.Client().SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "Idempotency-Key");
    }
}
