using PledgFunctions.Client;
using PledgFunctions.Client.Generated.Models;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Messages;
using PledgFunctions.Tests.RateLimiting;

namespace PledgFunctions.Tests.Client;

/// <summary>The .NET SDK reads the messages list as the service writes it (kinds, statuses, times).</summary>
public sealed class SdkMessagesTests(MessagesFixture fixture) : IClassFixture<MessagesFixture>
{
    [Fact]
    public async Task TheMessagesOfAPledgedPurchaseAreReadThroughTheSdk()
    {
        var sdk = new SdkSteps(fixture.Service);
        var purchase = await sdk.CreateAsync(SdkSteps.NewPurchase(9000, $"alice-{Guid.NewGuid():N}@example.com"));
        await sdk.PledgeAsync(purchase, [$"bob-{Guid.NewGuid():N}@example.com"]);

        var messages = await Eventually.ReturnsAsync(async () => (await sdk.Merchant.Api.Purchases[purchase.Id!].Messages.GetAsync())!.Items!,
            items => items.Count(m => m.Status == Message_status.Sent) == 2, Mail.Patience, "share request and receipt sent");
        Assert.Equal([Message_kind.Share_request, Message_kind.Receipt, Message_kind.Reminder], messages.Select(m => m.Kind!.Value));
        Assert.All(messages.Take(2), m => Assert.Equal((1, true), (m.Attempts, m.SentAt is not null)));
        Assert.True(messages[2].ScheduledFor > messages[0].SentAt, "the reminder is due after the pledge's messages went");
        Assert.All(messages, m => Assert.StartsWith("msg_", m.Id));
    }
}

/// <summary>A merchant over its rate limit: the SDK waits out <c>Retry-After</c> and tries again by
/// itself (Kiota's retry handler); a caller that turns that off gets a typed problem with its code
/// and when to come back.</summary>
public sealed class SdkRateLimitTests(RateLimitedServices services) : IClassFixture<RateLimitedServices>
{
    [Fact]
    public async Task ARateLimitedCallThrowsAProblemWithItsCodeAndRetryAfter()
    {
        var sdk = PledgClient.Create(services.Limited.BaseAddress, TestService.MerchantKey);
        Problem? limited = null;
        for (var call = 0; call < 20 && limited is null; call++)
        {
            try
            {
                await sdk.Api.Purchases.GetAsync(c =>
                {
                    c.QueryParameters.Limit = 1;
                    c.Options.Add(new Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options.RetryHandlerOption { MaxRetry = 0 });
                });
            }
            catch (Problem problem) when (problem.ResponseStatusCode == 429)
            {
                limited = problem;
            }
        }
        Assert.NotNull(limited);
        Assert.Equal("rate_limited", limited.Code);
        var retryAfter = Assert.Single(limited.ResponseHeaders["Retry-After"]);
        Assert.True(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture) >= 1, $"Retry-After: {retryAfter}");
    }
}
