using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DurableTask.AzureStorage;
using DurableTask.Core;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Hosts;

/// <summary>The timer function under the Functions host: <c>PurgeFinishedInstances</c>, run now
/// through the host's admin API (what the portal's "Test/Run" does; its schedule is hourly) with
/// the master key the host wrote, purges an ended instance past a one-second retention from the
/// host's task hub and leaves a running one.</summary>
public sealed class FunctionsHostTimerTests
{
    [SkippableFact]
    public async Task ThePurgeTimerFunctionPurgesEndedInstancesFromTheHostsTaskHub()
    {
        var command = Requires.FunctionsHost();
        await using var azurite = await Azurite.StartNewAsync();
        await using var host = await FunctionsHostProcess.StartAsync(command, azurite,
            new Dictionary<string, string?> { ["Pledg:History:KeepFinishedFor"] = "00:00:01" });
        var ended = (await TestPurchases.CreateAsync(host.Client())).GetProperty("id").GetString()!;
        var running = (await TestPurchases.CreateAsync(host.Client())).GetProperty("id").GetString()!;

        // The host's task hub, read and driven through the Durable Task Framework's own client.
        var hub = new TaskHubClient(new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = "PledgHub", StorageAccountClientProvider = new StorageAccountClientProvider(azurite.ConnectionString),
        }));
        await Eventually.TrueAsync(async () => (await hub.GetOrchestrationStateAsync(ended))?.OrchestrationStatus == OrchestrationStatus.Running,
            TimeSpan.FromSeconds(30), "the lifecycle running");
        await hub.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = ended }, "test");
        await Eventually.TrueAsync(async () => (await hub.GetOrchestrationStateAsync(ended))?.OrchestrationStatus == OrchestrationStatus.Terminated,
            TimeSpan.FromSeconds(30), "the instance terminated");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the retention

        using var admin = new HttpClient { BaseAddress = host.BaseAddress };
        admin.DefaultRequestHeaders.Add("x-functions-key", host.MasterKey());
        var run = await admin.PostAsJsonAsync("/admin/functions/PurgeFinishedInstances", new { input = "" });
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        await Eventually.TrueAsync(async () => await hub.GetOrchestrationStateAsync(ended) is null, TimeSpan.FromSeconds(30), "the ended instance purged");
        Assert.Equal(OrchestrationStatus.Running, (await hub.GetOrchestrationStateAsync(running))?.OrchestrationStatus);
        Assert.Equal(HttpStatusCode.OK, (await host.Client().GetAsync($"/api/purchases/{ended}")).StatusCode);
    }
}
