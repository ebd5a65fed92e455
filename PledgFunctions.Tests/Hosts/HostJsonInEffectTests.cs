using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Hosts;

/// <summary>host.json is what runs under the Functions host: the task hub it names, with the
/// partition count it sets (the standalone default is 1, so 4 can only come from host.json), a
/// console without warnings through a whole lifecycle, and a missing setting that stops the start
/// with its name.</summary>
public sealed class HostJsonInEffectTests(FunctionsHostFixture fixture, ITestOutputHelper output) : IClassFixture<FunctionsHostFixture>
{
    [SkippableFact]
    public async Task TheTaskHubIsTheOneHostJsonDescribes()
    {
        var service = (FunctionsHostProcess)fixture.Require();
        // What the lifecycle logs, not the start: a health probe the fixture gave up on while the host
        // was still starting (a loaded machine) is logged by the host as a failed invocation.
        var before = service.Log().Length;
        var (purchase, pledge) = await PledgedPurchaseAsync(service, pledgers: 1);
        await (await RetryingUnavailableAsync(() => PayAsync(service.Client(null), ShareToken(pledge, 1)))).AssertOkAsync();

        var tables = new TableServiceClient(fixture.Azurite.ConnectionString);
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync()) names.Add(table.Name);
        Assert.Superset(new HashSet<string> { "PledgHubInstances", "PledgHubHistory", "PledgHubPartitions" }, names.ToHashSet());
        var partitions = new List<TableEntity>();
        await foreach (var row in tables.GetTableClient("PledgHubPartitions").QueryAsync<TableEntity>()) partitions.Add(row);
        Assert.Equal(["pledghub-control-00", "pledghub-control-01", "pledghub-control-02", "pledghub-control-03"], partitions.Select(p => p.RowKey).Order());

        var queues = new QueueServiceClient(fixture.Azurite.ConnectionString);
        var queueNames = new List<string>();
        await foreach (var queue in queues.GetQueuesAsync()) queueNames.Add(queue.Name);
        Assert.Contains("pledghub-workitems", queueNames);
        Assert.Equal(4, queueNames.Count(q => q.StartsWith("pledghub-control-", StringComparison.Ordinal)));

        // The lifecycle ran to its end in the host's Durable extension, and said nothing alarming.
        await Eventually.TrueAsync(() => Task.FromResult(service.Log().Contains("Executed 'Functions.PurchaseLifecycle'", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the host ran the orchestration");
        await MoneyCheckAtRest(service, purchase.GetProperty("id").GetString()!);
        var alarming = service.Log()[before..].Split('\n').Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal)
                                                           || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(alarming.Count == 0, "the host's console warned:\n" + string.Join('\n', alarming));
    }

    private static Task MoneyCheckAtRest(IServiceUnderTest service, string id) =>
        Money.MoneyCheck.AtRestAsync(service, id, TimeSpan.FromSeconds(60));

    [SkippableFact]
    public async Task AMissingSettingStopsTheStartWithItsName()
    {
        var host = Requires.FunctionsHost();
        await using var azurite = await Azurite.StartNewAsync();
        var took = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => FunctionsHostProcess.StartAsync(host, azurite,
            new Dictionary<string, string?> { ["Pledg:RateLimits:ClientAddressHeader"] = null }));
        output.WriteLine($"refused after {took.Elapsed.TotalSeconds:F0} s");
        Assert.Contains("Pledg:RateLimits:ClientAddressHeader must be set", refused.Message);
    }
}
