using System.Net;
using System.Text.RegularExpressions;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.RateLimiting;

/// <summary>RateLimit-Policy and RateLimit (IETF httpapi draft) on every answer of a limited route,
/// counting down to the 429, which adds Retry-After.</summary>
public sealed class RateLimitHeadersTests(RateLimitedServices services) : IClassFixture<RateLimitedServices>
{
    [Fact]
    public async Task EachAnswerSaysHowManyRequestsAreLeftUntilThe429()
    {
        var client = services.Limited.Client(TestService.MerchantKey);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++) answers.Add(await client.GetAsync($"/api/purchases/pur_{Guid.NewGuid():N}"));

        Assert.All(answers, a => Assert.Equal("\"client\";q=3;w=3", Single(a, "RateLimit-Policy")));
        var left = answers.Select(a => Remaining(Single(a, "RateLimit"))).ToList();
        Assert.True(left[0] <= 2 && left.SequenceEqual(left.OrderDescending()), string.Join(",", left));
        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal(0, Remaining(Single(refused, "RateLimit")));
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task UnlimitedRoutesAndAServiceWithoutLimitsSendNone()
    {
        var health = await services.Limited.Client().GetAsync("/api/health");
        var unlimited = await services.Unlimited.Client().GetAsync($"/api/purchases/pur_{Guid.NewGuid():N}");

        Assert.False(health.Headers.Contains("RateLimit"));
        Assert.False(unlimited.Headers.Contains("RateLimit-Policy"));
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : []);

    private static int Remaining(string field) => int.Parse(Regex.Match(field, "^\"client\";r=([0-9]+);t=[0-9]+$").Groups[1].Value);
}
