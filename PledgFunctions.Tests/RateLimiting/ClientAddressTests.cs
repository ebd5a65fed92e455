using System.Net;
using Microsoft.AspNetCore.Http;
using PledgFunctions.RateLimiting;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.RateLimiting;

/// <summary>Which address a request is charged to, and the start-up refusal under the Functions
/// host, where every request comes from the host and only a forwarded header tells clients apart.</summary>
public sealed class ClientAddressTests
{
    private static readonly Func<string, bool> NoKnownKeys = _ => false;
    private static readonly Func<string, string?> UnderHost = name => name == FunctionsHostClientAddress.WorkerRuntimeVariable ? "custom" : null;
    private static readonly Func<string, string?> Standalone = _ => null;

    private static HttpContext FromHost(string? forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        if (forwardedFor is not null) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return context;
    }

    [Fact]
    public void WithTheHeaderSetTwoClientsBehindTheSameProxyGetTwoBuckets()
    {
        var first = ClientPartitions.ClientOf(FromHost("203.0.113.7"), "X-Forwarded-For", NoKnownKeys);
        var second = ClientPartitions.ClientOf(FromHost("198.51.100.9"), "X-Forwarded-For", NoKnownKeys);
        Assert.Equal("ip:203.0.113.7", first);
        Assert.Equal("ip:198.51.100.9", second);
    }

    [Theory]
    [InlineData("203.0.113.7:54321", "ip:203.0.113.7")]
    [InlineData("[2001:db8:1:2:3:4:5:6]:443", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:3:4:5:6", "ip:2001:db8:1:2::/64")]
    public void AForwardedPortIsIgnored(string forwardedFor, string client) =>
        Assert.Equal(client, ClientPartitions.ClientOf(FromHost(forwardedFor), "X-Forwarded-For", NoKnownKeys));

    [Fact]
    public void TheLastForwardedEntryCountsNotTheClientsOwnClaims()
    {
        // The client wrote "10.0.0.1" itself; the front end appended the address it saw.
        Assert.Equal("ip:203.0.113.7", ClientPartitions.ClientOf(FromHost("10.0.0.1, 203.0.113.7"), "X-Forwarded-For", NoKnownKeys));
    }

    [Fact]
    public void WithoutTheSettingTheConnectionsAddressIsUsedAndTheHeaderIgnored()
    {
        Assert.Equal("ip:127.0.0.1", ClientPartitions.ClientOf(FromHost("203.0.113.7"), null, NoKnownKeys));
        Assert.Equal("ip:127.0.0.1", ClientPartitions.ClientOf(FromHost(null), "X-Forwarded-For", NoKnownKeys));
    }

    [Fact]
    public void UnderTheFunctionsHostTheHeaderSettingIsRequired()
    {
        var problem = FunctionsHostClientAddress.Problem(new RateLimitOptions(), UnderHost);
        Assert.NotNull(problem);
        Assert.Contains("Pledg:RateLimits:ClientAddressHeader", problem);
        Assert.Null(FunctionsHostClientAddress.Problem(new RateLimitOptions { ClientAddressHeader = "X-Forwarded-For" }, UnderHost));
        Assert.Null(FunctionsHostClientAddress.Problem(new RateLimitOptions { Enabled = false }, UnderHost));
        Assert.Null(FunctionsHostClientAddress.Problem(new RateLimitOptions(), Standalone));
    }

    [Fact]
    public async Task TheProcessRefusesToStartUnderTheFunctionsHostWithoutTheHeaderSettingAndStartsWithIt()
    {
        await using var azurite = await Azurite.StartNewAsync();
        var underHost = new Dictionary<string, string?> { [FunctionsHostClientAddress.WorkerRuntimeVariable] = "custom" };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(azurite, environment: underHost));
        Assert.Contains("exited", refused.Message);

        await using var started = await ServiceProcess.StartAsync(azurite,
            new Dictionary<string, string?> { ["Pledg:RateLimits:ClientAddressHeader"] = "X-Forwarded-For" }, underHost);
        Assert.Equal(HttpStatusCode.OK, (await started.Client().GetAsync("/api/purchases")).StatusCode);
    }
}
