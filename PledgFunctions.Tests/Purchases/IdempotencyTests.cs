using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Purchases;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Purchases;

public sealed class IdempotencyTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private TestService Service => fixture.Service;

    private static HttpRequestMessage Create(string key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = Http.Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static string Body(string organizer) => $$"""{"organizerEmail": "{{organizer}}", "amount": 5000, "currency": "EUR"}""";

    private async Task<int> CountForOrganizerAsync(string organizer)
    {
        var list = await (await Service.Client().GetAsync($"/api/purchases?limit=100&organizerEmail={Uri.EscapeDataString(organizer)}")).AssertOkAsync();
        return list.GetProperty("items").GetArrayLength();
    }

    [Fact]
    public async Task AReplayedKeyReturnsTheFirstResponseAndCreatesNothing()
    {
        var organizer = $"idem+{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();
        var first = await Service.Client().SendAsync(Create(key, Body(organizer)));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var replay = await Service.Client().SendAsync(Create(key, Body(organizer)));

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(1, await CountForOrganizerAsync(organizer));
    }

    [Fact]
    public async Task AKeyReusedWithAnotherBodyIs422()
    {
        var organizer = $"idem+{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await Service.Client().SendAsync(Create(key, Body(organizer)))).StatusCode);
        // "Same body" means the same bytes: even a whitespace change is another body.
        await (await Service.Client().SendAsync(Create(key, Body(organizer) + " "))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1, await CountForOrganizerAsync(organizer));
    }

    [Fact]
    public async Task KeysAreScopedToTheMerchant()
    {
        var organizer = $"idem+{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();
        var a = await (await Service.Client().SendAsync(Create(key, Body(organizer)))).AssertOkAsync(HttpStatusCode.Created);
        var b = await (await Service.Client(TestService.OtherMerchantKey).SendAsync(Create(key, Body(organizer)))).AssertOkAsync(HttpStatusCode.Created);
        Assert.NotEqual(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    public async Task MalformedKeysAre400(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = Http.Json(Body("a@example.com")) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        await (await Service.Client().SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "Idempotency-Key");
    }

    [Fact]
    public async Task A255CharacterKeyIsAccepted()
    {
        var key = new string('k', 250) + Guid.NewGuid().ToString("N")[..5];
        Assert.Equal(HttpStatusCode.Created, (await Service.Client().SendAsync(Create(key, Body($"idem+{Guid.NewGuid():N}@example.com")))).StatusCode);
        await (await Service.Client().SendAsync(Create(key + "x", Body("a@example.com")))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "Idempotency-Key");
    }

    [Fact]
    public async Task TwentyFiveConcurrentRequestsWithOneKeyCreateOnePurchase()
    {
        var organizer = $"idem+{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => Service.Client().SendAsync(Create(key, Body(organizer)))));

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Equal(1, created.Count(r => !r.Headers.Contains("Idempotent-Replayed")));
        var ids = await Task.WhenAll(created.Select(async r => (await r.ReadJsonAsync()).GetProperty("id").GetString()));
        Assert.Single(ids.Distinct());
        foreach (var busy in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await busy.AssertProblemAsync(HttpStatusCode.Conflict, "idempotency_key_in_use");
            Assert.NotNull(busy.Headers.RetryAfter);
        }
        Assert.Equal(1, await CountForOrganizerAsync(organizer));
    }

    [Fact]
    public async Task TwoServiceInstancesOnOneStorageStillCreateOnePurchase()
    {
        await using var second = await TestService.StartAsync(fixture.Azurite);
        var organizer = $"idem+{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? Service : second).Client().SendAsync(Create(key, Body(organizer)))));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(1, await CountForOrganizerAsync(organizer));
    }

    /// <summary>Simulates a process that claimed the key (and maybe inserted the purchase) and
    /// died: its row is pending with a lease that ran out.</summary>
    private async Task<string> ClaimAbandonedAsync(string key, string json)
    {
        var purchaseId = PurchaseKeys.NewPurchaseId(TimeProvider.System.GetUtcNow());
        var merchantId = PledgFunctions.Merchants.MerchantStore.IdFor("Test Shop A");
        var past = TimeProvider.System.GetUtcNow().AddMinutes(-5);
        await Service.Services.GetRequiredService<StorageClients>().Idempotency.AddEntityAsync(new IdempotencyEntity
        {
            PartitionKey = merchantId, RowKey = IdempotencyStore.Hash(Encoding.UTF8.GetBytes(key)), Route = "POST /api/purchases",
            BodyHash = IdempotencyStore.Hash(Encoding.UTF8.GetBytes(json)), PurchaseId = purchaseId,
            Status = IdempotencyEntity.Pending, CreatedAt = past, LockedUntil = past.AddSeconds(30),
        });
        return purchaseId;
    }

    [Fact]
    public async Task ARetryAfterTheFirstAttemptDiedBeforeCreatingCreatesTheRecordedPurchase()
    {
        var organizer = $"idem+{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();
        var recorded = await ClaimAbandonedAsync(key, Body(organizer));

        var retry = await (await Service.Client().SendAsync(Create(key, Body(organizer)))).AssertOkAsync(HttpStatusCode.Created);

        Assert.Equal(recorded, retry.GetProperty("id").GetString());
        Assert.Equal(1, await CountForOrganizerAsync(organizer));
    }

    [Fact]
    public async Task ARetryAfterTheFirstAttemptDiedAfterCreatingReturnsThatPurchase()
    {
        var organizer = $"idem+{Guid.NewGuid():N}@example.com";
        var key = Guid.NewGuid().ToString();
        var recorded = await ClaimAbandonedAsync(key, Body(organizer));
        var creator = Service.Services.GetRequiredService<PurchaseCreator>();
        var request = new CreatePurchaseRequest(organizer, 5000, "EUR", null, null, null);
        await creator.CreateAsync(creator.NewEntity(recorded, new PledgFunctions.Merchants.Merchant(
            PledgFunctions.Merchants.MerchantStore.IdFor("Test Shop A"), "Test Shop A"), request, "http://127.0.0.1", TimeProvider.System.GetUtcNow()), CancellationToken.None);

        var retry = await (await Service.Client().SendAsync(Create(key, Body(organizer)))).AssertOkAsync(HttpStatusCode.Created);

        Assert.Equal(recorded, retry.GetProperty("id").GetString());
        Assert.Equal(1, await CountForOrganizerAsync(organizer));
        var replay = await Service.Client().SendAsync(Create(key, Body(organizer)));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
    }
}
