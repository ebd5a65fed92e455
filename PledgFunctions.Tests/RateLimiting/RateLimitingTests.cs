using System.Net;
using PledgFunctions.RateLimiting;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.RateLimiting;

/// <summary>A service with a tiny limit (1 request/s, burst 3) and one with limits switched off,
/// over one Azurite. Each test uses its own clients' buckets.</summary>
public sealed class RateLimitedServices : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;
    public TestService Limited { get; private set; } = null!;
    public TestService Unlimited { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartNewAsync();
        Limited = await TestService.StartAsync(Azurite, s =>
        {
            s["Pledg:RateLimits:PermitsPerSecond"] = "1";
            s["Pledg:RateLimits:Burst"] = "3";
        });
        Unlimited = await TestService.StartAsync(Azurite, s =>
        {
            s["Pledg:RateLimits:PermitsPerSecond"] = "1";
            s["Pledg:RateLimits:Burst"] = "1";
            s["Pledg:RateLimits:Enabled"] = "false";
        });
    }

    public async Task DisposeAsync()
    {
        await Limited.DisposeAsync();
        await Unlimited.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

public sealed class RateLimitingTests(RateLimitedServices services) : IClassFixture<RateLimitedServices>
{
    private readonly TestService _limited = services.Limited;
    private readonly TestService _unlimited = services.Unlimited;

    private static string UnknownPurchase => "pur_" + Guid.NewGuid().ToString("N");

    private static async Task<List<HttpResponseMessage>> SendAsync(int count, Func<Task<HttpResponseMessage>> send)
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < count; i++) responses.Add(await send());
        return responses;
    }

    [Fact]
    public async Task AMerchantOverItsLimitGets429WithRetryAfterWhileAnotherMerchantIsServed()
    {
        var a = _limited.Client(TestService.MerchantKey);
        var responses = await SendAsync(8, () => a.GetAsync($"/api/purchases/{UnknownPurchase}"));

        Assert.All(responses.Take(3), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");

        var b = _limited.Client(TestService.OtherMerchantKey);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/purchases/{UnknownPurchase}")).StatusCode);
        // Health probes are never limited, even for the throttled client.
        Assert.All(await SendAsync(5, () => a.GetAsync("/api/health")), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task ClientsWithoutAKnownKeyAreLimitedByAddressSoRandomKeysBuyNothing()
    {
        var page = _limited.Client(null);
        var responses = await SendAsync(6, () => page.GetAsync("/api/checkout/not-a-token"));
        await responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests)
            .AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");

        // Same address, a fresh unknown key each time: still the address's (empty) bucket.
        var guesses = await SendAsync(3, () => _limited.Client("sk_guess_" + Guid.NewGuid().ToString("N")).GetAsync($"/api/purchases/{UnknownPurchase}"));
        Assert.All(guesses, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
    }

    [Fact]
    public async Task LimitsCanBeSwitchedOff()
    {
        var a = _unlimited.Client();
        Assert.All(await SendAsync(10, () => a.GetAsync($"/api/purchases/{UnknownPurchase}")),
            r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
    }

    [Fact]
    public void TheBucketRefillsContinuouslyAtTheConfiguredRate()
    {
        var bucket = ClientPartitions.BucketOf(new RateLimitOptions { PermitsPerSecond = 200, Burst = 400 });
        Assert.Equal(400, bucket.TokenLimit);
        Assert.Equal(200, bucket.TokensPerPeriod / bucket.ReplenishmentPeriod.TotalSeconds, precision: 6);
        Assert.Equal(0, bucket.QueueLimit);
    }
}
