using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PledgFunctions.Merchants;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Merchants;

/// <summary>A merchant's key comes from configuration only: when the configured key changes, the
/// old one stops working once a service has started with the new one.</summary>
public sealed class KeyRotationTests
{
    private const string KeyA = "sk_test_rotation_key_a_0123456789";
    private const string KeyB = "sk_test_rotation_key_b_0123456789";

    private static Action<Dictionary<string, string?>> WithKey(string key) => s => s["Pledg:BootstrapMerchants:0:ApiKey"] = key;

    private static async Task<HttpStatusCode> ListAsync(TestService service, string key) =>
        (await service.Client(key).GetAsync("/api/purchases")).StatusCode;

    [Fact]
    public async Task AfterARestartWithANewKeyTheOldKeyIsRefusedAndTheNewOneAccepted()
    {
        await using var azurite = await Azurite.StartNewAsync();
        await using (var before = await TestService.StartAsync(azurite, WithKey(KeyA)))
            Assert.Equal(HttpStatusCode.OK, await ListAsync(before, KeyA));

        await using var after = await TestService.StartAsync(azurite, WithKey(KeyB));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(after, KeyA));
        Assert.Equal(HttpStatusCode.OK, await ListAsync(after, KeyB));
        // The other merchant, whose key did not change, is untouched.
        Assert.Equal(HttpStatusCode.OK, await ListAsync(after, TestService.OtherMerchantKey));
    }

    [Fact]
    public async Task AnotherInstanceThatCachedTheOldKeyRefusesItOnceItsRecheckIsDue()
    {
        await using var azurite = await Azurite.StartNewAsync();
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var running = await TestService.StartAsync(azurite, WithKey(KeyA), s => s.AddSingleton<TimeProvider>(clock));
        Assert.Equal(HttpStatusCode.OK, await ListAsync(running, KeyA));

        await using var restarted = await TestService.StartAsync(azurite, WithKey(KeyB));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(restarted, KeyA));

        clock.Advance(MerchantStore.RecheckKnownKeysAfter);
        Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(running, KeyA));
        Assert.Equal(HttpStatusCode.OK, await ListAsync(running, KeyB));
    }
}
