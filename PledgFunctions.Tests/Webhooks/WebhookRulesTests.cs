using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Tests.Webhooks;

public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("127.0.0.1")] [InlineData("127.255.255.254")] [InlineData("10.1.2.3")] [InlineData("172.16.0.0")] [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")] [InlineData("169.254.169.254")] [InlineData("0.0.0.0")] [InlineData("0.1.2.3")] [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")] [InlineData("224.0.0.251")] [InlineData("239.255.255.250")] [InlineData("255.255.255.255")]
    [InlineData("::")] [InlineData("::1")] [InlineData("fe80::1")] [InlineData("fc00::1")] [InlineData("fdff:ffff::1")] [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")] [InlineData("::ffff:192.168.1.1")] [InlineData("::ffff:169.254.169.254")] [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:7f00:1::1")] [InlineData("::127.0.0.1")]
    public void ForbiddenAddresses(string address) => Assert.True(PrivateAddresses.IsForbidden(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("1.1.1.1")] [InlineData("93.184.215.14")] [InlineData("172.15.255.255")] [InlineData("172.32.0.0")] [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")] [InlineData("169.253.1.1")] [InlineData("192.169.0.1")] [InlineData("223.255.255.255")]
    [InlineData("2606:4700::1111")] [InlineData("::ffff:8.8.8.8")] [InlineData("2002:808:808::1")]
    public void PublicAddresses(string address) => Assert.False(PrivateAddresses.IsForbidden(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("Development", null, false)]
    [InlineData("Testing", null, false)]
    [InlineData("Production", null, true)]
    [InlineData("Staging", null, true)]
    [InlineData("Testing", false, true)]
    [InlineData("Production", true, false)]
    public void TheGuardIsOnOutsideDevelopmentUnlessAllowed(string environment, bool? allowPrivateNetworks, bool active) =>
        Assert.Equal(active, WebhookUrlGuard.IsActiveFor(allowPrivateNetworks, new Environment(environment)));

    [Fact]
    public void RetriesDoubleFromTheFirstDelayUpToAnHourForADay()
    {
        var created = new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.Zero);
        var first = TimeSpan.FromSeconds(30);
        Assert.Equal(TimeSpan.FromSeconds(30), RetrySchedule.DelayAfter(1, created, created, first));
        Assert.Equal(TimeSpan.FromSeconds(60), RetrySchedule.DelayAfter(2, created, created, first));
        Assert.Equal(TimeSpan.FromSeconds(120), RetrySchedule.DelayAfter(3, created, created, first));
        Assert.Equal(TimeSpan.FromMinutes(32), RetrySchedule.DelayAfter(7, created, created, first));
        Assert.Equal(TimeSpan.FromHours(1), RetrySchedule.DelayAfter(8, created, created, first));
        Assert.Equal(TimeSpan.FromHours(1), RetrySchedule.DelayAfter(int.MaxValue, created, created, first));
        Assert.Equal(TimeSpan.FromHours(1), RetrySchedule.DelayAfter(30, created, created + TimeSpan.FromHours(23.99), first));
        Assert.Null(RetrySchedule.DelayAfter(30, created, created + TimeSpan.FromHours(24), first));

        // Simulated failures all along: the last attempt is at least 24 h after the event was made.
        var now = created;
        var attempt = 1;
        while (RetrySchedule.DelayAfter(attempt, created, now, first) is { } delay) { now += delay; attempt++; }
        Assert.True(now - created >= TimeSpan.FromHours(24));
        Assert.True(now - created < TimeSpan.FromHours(25));
    }

    [Fact]
    public void AnEventIdLeadsToItsPurchase()
    {
        var purchaseId = PurchaseKeys.NewPurchaseId(TimeProvider.System.GetUtcNow());
        var eventId = EventIds.New(purchaseId);

        Assert.True(EventIds.TryParse(eventId, out var parsed));
        Assert.Equal(purchaseId, parsed);
        Assert.NotEqual(eventId, EventIds.New(purchaseId));
        Assert.False(EventIds.TryParse("evt_" + new string('0', 32), out _));
        Assert.False(EventIds.TryParse(eventId.ToUpperInvariant(), out _));
        Assert.False(EventIds.TryParse(null, out _));
    }


    [Fact]
    public void TheDocumentedSignatureExampleIsWhatTheServiceSends()
    {
        var doc = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "webhooks.md"));
        var body = doc.Single(l => l.StartsWith("{\"id\":\"evt_fe5df5c3", StringComparison.Ordinal));
        var header = doc.Where(l => l.StartsWith("Pledg-Signature: t=1795370405,", StringComparison.Ordinal)).Distinct().Single();

        var signed = WebhookSender.Sign("whsec_dev_pledg_local_0123456789abcdef", 1795370405, Encoding.UTF8.GetBytes(body));

        Assert.Equal(header["Pledg-Signature: ".Length..], signed);
        var independent = Convert.ToHexStringLower(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("whsec_dev_pledg_local_0123456789abcdef"), Encoding.UTF8.GetBytes("1795370405." + body)));
        Assert.Equal("t=1795370405,v1=" + independent, signed);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "PledgFunctions";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
