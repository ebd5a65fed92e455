using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PledgFunctions.Engine;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Lifecycle;

/// <summary>A task hub keeps the control-queue partition count it was created with. The provider
/// routes an instance's messages by a hash of its id modulo the configured count, but leases and
/// polls the queues its Partitions table lists: opened with another count, one process still ends
/// what waits (it polls every queue), while processes sharing the hub would route one instance's
/// messages to queues that different processes hold. The standalone default went from 4 to 1 on
/// 2026-12-03, so local hubs created before then have 4.</summary>
public sealed class PartitionCountTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartNewAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private EngineStorage Engine(string hub, int? partitions = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = _azurite.ConnectionString }).Build();
        var options = new EngineOptions { TaskHubName = hub };
        if (partitions is { } count) options.PartitionCount = count;
        return new EngineStorage(configuration, Options.Create(options), new EngineOperationCounter(), NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task ANewHubTakesTheConfiguredCountAndAnExistingOneKeepsItsOwn()
    {
        var fresh = Engine("FreshHub");
        await fresh.CreateIfNotExistsAsync();
        Assert.Equal(1, fresh.PartitionCount);

        await Engine("FourHub", partitions: 4).CreateIfNotExistsAsync();
        var reopened = Engine("FourHub");
        await reopened.CreateIfNotExistsAsync();
        Assert.Equal(4, reopened.PartitionCount);
    }

    [Fact]
    public async Task PurchasesWaitingOnAFourPartitionHubAreDecidedByAProcessStartedWithTheDefault()
    {
        // A developer's hub from before the default changed: purchases in flight on its 4 queues end
        // after an update, each decided by its own orchestration.
        var ids = new List<string>();
        await using (var four = await TestService.StartAsync(_azurite, s =>
                     {
                         s["Pledg:Engine:PartitionCount"] = "4";
                         s["Pledg:PaymentWindow"] = "00:00:10";
                     }))
        {
            // Eight instances: the chance that every one hashes to partition 0 (which the default's
            // single queue is) is 4^-8.
            for (var i = 0; i < 8; i++) ids.Add((await TestPurchases.CreateAsync(four.Client())).GetProperty("id").GetString()!);
        }

        await using var reopened = await TestService.StartAsync(_azurite, s => s["Pledg:PaymentWindow"] = "00:00:10");
        var purchases = new TableServiceClient(_azurite.ConnectionString).GetTableClient("Purchases");
        // The stored state, not a read: a read says FAILED at the deadline whether or not the orchestration wrote it.
        await Eventually.ReturnsAsync(
            async () => await Task.WhenAll(ids.Select(async id => (await purchases.GetEntityAsync<PurchaseEntity>(id, PurchaseEntity.Row)).Value.State)),
            states => states.All(s => s == PurchaseStates.Failed), TimeSpan.FromSeconds(60), "every purchase FAILED by its orchestration");
    }
}
