using System.Net;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Lifecycle;

/// <summary>A retention of a second, purged every second.</summary>
public sealed class ShortRetentionFixture : ServiceFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Pledg:History:KeepFinishedFor"] = "00:00:01";
        settings["Pledg:History:PurgeEvery"] = "00:00:01";
    }
}

/// <summary>The purge of ended orchestrations (Lifecycle/FinishedInstancePurge.cs) on the real engine:
/// an ended instance older than the retention leaves the task hub; a running one, however old, stays;
/// the purchase itself is application data and stays readable.</summary>
public sealed class InstancePurgeTests(ShortRetentionFixture fixture) : IClassFixture<ShortRetentionFixture>
{
    private readonly TestService _service = fixture.Service;

    [Fact]
    public async Task AnEndedInstancePastItsRetentionIsPurgedAndARunningOneStays()
    {
        var engine = _service.Services.GetRequiredService<DurableTaskClient>();
        var ended = (await TestPurchases.CreateAsync(_service.Client())).GetProperty("id").GetString()!;
        var running = (await TestPurchases.CreateAsync(_service.Client())).GetProperty("id").GetString()!;
        await engine.TerminateInstanceAsync(ended);

        await Eventually.ReturnsAsync<OrchestrationMetadata?>(() => engine.GetInstanceAsync(ended), instance => instance is null,
            TimeSpan.FromSeconds(30), "the terminated instance purged");
        // Rounds keep running every second: the running instance has been old enough in several.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await engine.GetInstanceAsync(running))?.RuntimeStatus);
        var read = await _service.Client().GetAsync($"/api/purchases/{ended}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
