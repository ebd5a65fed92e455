using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PledgFunctions.Engine;
using PledgFunctions.Purchases;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Money;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Lifecycle;

/// <summary><c>Pledg:Engine:Connection</c> names another account for the task hub: the purchases
/// stay on <c>AzureWebJobsStorage</c>, the engine's tables, queues and leases go to the other one,
/// and the lifecycle runs across the two (timer, events, the activities' writes).</summary>
public sealed class TaskHubAccountTests : IAsyncLifetime
{
    private Azurite _app = null!;
    private Azurite _hub = null!;
    private TestService _service = null!;

    public async Task InitializeAsync()
    {
        _app = await Azurite.StartNewAsync();
        _hub = await Azurite.StartNewAsync();
        _service = await TestService.StartAsync(_app, settings =>
        {
            settings["TaskHubStorage"] = _hub.ConnectionString;
            settings["Pledg:Engine:Connection"] = "TaskHubStorage";
            settings["Pledg:PaymentWindow"] = "00:00:05";
        });
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _hub.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task TheLifecycleRunsWithItsTaskHubOnAnotherAccount()
    {
        var (paid, pledge) = await PledgedPurchaseAsync(_service, 1);
        await (await PayAsync(_service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
        var expiring = await TestPurchases.CreateAsync(_service.Client());
        var paidId = paid.GetProperty("id").GetString()!;
        var expiringId = expiring.GetProperty("id").GetString()!;

        // The organizer's reimbursement and the deadline's FAILED are written by the orchestration's work.
        var settled = await MoneyCheck.AtRestAsync(_service, paidId, TimeSpan.FromSeconds(30));
        var expired = await MoneyCheck.AtRestAsync(_service, expiringId, TimeSpan.FromSeconds(30));
        Assert.Equal(PurchaseStates.Succeeded, settled.Purchase.State);
        Assert.Equal(PurchaseStates.Failed, expired.Purchase.State);

        var hubName = _service.Services.GetRequiredService<EngineStorage>().TaskHubName;
        var appTables = await TableNamesAsync(_app);
        var hubTables = await TableNamesAsync(_hub);
        Assert.Contains("Purchases", appTables);
        Assert.DoesNotContain(appTables, name => name.StartsWith(hubName, StringComparison.Ordinal));
        Assert.DoesNotContain("Purchases", hubTables);
        var instances = new TableClient(_hub.ConnectionString, hubName + "Instances");
        foreach (var id in new[] { paidId, expiringId })
            Assert.NotNull((await instances.GetEntityIfExistsAsync<TableEntity>(id, "")).Value);
    }

    private static async Task<List<string>> TableNamesAsync(Azurite azurite)
    {
        var names = new List<string>();
        await foreach (var table in new TableServiceClient(azurite.ConnectionString).QueryAsync()) names.Add(table.Name);
        return names;
    }
}

/// <summary>A hub account named but not configured stops the start, instead of falling back to
/// local development storage as the app's own unset account does.</summary>
public sealed class TaskHubConnectionTests
{
    [Fact]
    public void AConnectionNamedButNotSetIsRefused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        }).Build();
        var options = Options.Create(new EngineOptions { Connection = "TaskHubStorage" });

        var error = Assert.Throws<InvalidOperationException>(() =>
            new EngineStorage(configuration, options, new EngineOperationCounter(), NullLoggerFactory.Instance));
        Assert.Contains("TaskHubStorage", error.Message);
    }

    [Theory]
    [InlineData("TaskHubStorage", "UseDevelopmentStorage=true")]
    [InlineData("TaskHubStorage:accountName", "hubaccount")]
    public void ANamedConnectionThatIsSetIsUsed(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var options = Options.Create(new EngineOptions { Connection = "TaskHubStorage" });

        Assert.Equal("PledgHub", new EngineStorage(configuration, options, new EngineOperationCounter(), NullLoggerFactory.Instance).TaskHubName);
    }
}
