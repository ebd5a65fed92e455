using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.Webhooks;

/// <summary>A service with the SSRF guard on (<c>Pledg:Webhooks:AllowPrivateNetworks=false</c>, as outside Development).</summary>
public sealed class GuardedServiceFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;
    public TestService Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartNewAsync();
        Service = await TestService.StartAsync(Azurite, s => s["Pledg:Webhooks:AllowPrivateNetworks"] = "false");
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

public sealed class WebhookSsrfTests(GuardedServiceFixture fixture, ITestOutputHelper output) : IClassFixture<GuardedServiceFixture>
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://127.1.2.3/hooks")]
    [InlineData("http://10.0.0.5/hooks")]
    [InlineData("http://172.16.0.1/hooks")]
    [InlineData("http://172.31.255.254/hooks")]
    [InlineData("https://192.168.1.10/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]:8080/hooks")]
    [InlineData("http://[::ffff:127.0.0.1]/hooks")]
    [InlineData("http://[::ffff:10.0.0.1]/hooks")]
    [InlineData("http://[fe80::1]/hooks")]
    [InlineData("http://[fd12:3456::1]/hooks")]
    [InlineData("http://0.0.0.0/hooks")]
    [InlineData("http://100.64.0.1/hooks")]
    [InlineData("http://224.0.0.1/hooks")]
    [InlineData("http://localhost:8080/hooks")]
    [InlineData("http://api.localhost/hooks")]
    [InlineData("http://2130706433/hooks")]
    public async Task CreationRefusesAUrlThatReachesAPrivateAddress(string url)
    {
        var response = await fixture.Service.Client().PostJsonAsync("/api/purchases", TestPurchases.Body(notificationUrl: url));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "notificationUrl");
        output.WriteLine($"{url}: {problem.GetProperty("errors").GetProperty("notificationUrl")[0].GetString()}");
    }

    [Theory]
    [InlineData("https://93.184.215.14/hooks")]
    [InlineData("http://[2606:4700::1111]/hooks")]
    [InlineData("https://172.32.0.1/hooks")]
    public async Task CreationAcceptsAPublicAddress(string url)
    {
        await TestPurchases.CreateAsync(fixture.Service.Client(), TestPurchases.Body(notificationUrl: url));
    }

    [Fact]
    public async Task AnEventWhoseUrlBecamePrivateIsNotPosted()
    {
        // Another instance without the guard (think: DNS that pointed somewhere public at creation)
        // commits the event on a task hub of its own; the guarded service's delivery attempt then
        // finds the address private and refuses it before connecting.
        var closedPort = FreePorts.Next();
        await using var unguarded = await TestService.StartAsync(fixture.Azurite, s => s["Pledg:Engine:TaskHubName"] = "UnguardedHub");
        var purchase = await TestPurchases.CreateAsync(unguarded.Client(), TestPurchases.Body(notificationUrl: $"http://127.0.0.1:{closedPort}/hook"));
        await (await unguarded.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();
        var eventId = (await Events.ListAsync(fixture.Service.Client(), Events.Id(purchase)))[0].GetProperty("id").GetString()!;

        var notify = fixture.Service.Services.GetRequiredService<PledgFunctions.Webhooks.NotifyMerchant>();
        var attempt = await Record.ExceptionAsync(() => notify.DeliverAsync(
            new PledgFunctions.Webhooks.NotifyInput(Events.Id(purchase), eventId, TimeProvider.System.GetUtcNow()), CancellationToken.None));

        Assert.IsType<PledgFunctions.Webhooks.WebhookNotDeliveredException>(attempt);
        var listed = (await Events.ListAsync(fixture.Service.Client(), Events.Id(purchase)))[0];
        Assert.Equal("pending", listed.GetProperty("status").GetString());
        Assert.Contains("Refused", listed.GetProperty("lastError").GetString());
        output.WriteLine($"attempts {listed.GetProperty("attempts").GetInt32()}, lastError: {listed.GetProperty("lastError").GetString()}");
    }
}
