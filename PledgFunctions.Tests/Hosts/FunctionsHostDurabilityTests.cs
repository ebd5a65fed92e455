using System.Diagnostics;
using Azure.Data.Tables;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Money;
using PledgFunctions.Tests.Webhooks;
using Xunit.Abstractions;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Hosts;

/// <summary>Under the real Functions host, where its Durable extension runs the orchestrations: the
/// host killed with SIGKILL while purchases wait, the worker killed alone, and two hosts on one task
/// hub. Storage is read directly: a read through the API would itself write an overdue purchase
/// FAILED (DeadlineEnforcer), and what is tested is that the engine decides.</summary>
/// <remarks>A collection of its own: its tests kill and restart hosts one after the other, beside
/// (not after) the standalone process tests, which keeps the suite within its time.</remarks>
[Collection(Name)]
public sealed class FunctionsHostDurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const string Name = "Functions host processes";

    private Azurite _azurite = null!;
    private WebhookReceiver _merchant = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartNewAsync();
        _merchant = await WebhookReceiver.StartNewAsync();
    }

    public async Task DisposeAsync()
    {
        await _merchant.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private static Dictionary<string, string?> Window(string window) => new() { ["Pledg:PaymentWindow"] = window };

    private Task<FunctionsHostProcess> StartHostAsync(Dictionary<string, string?> settings) =>
        FunctionsHostProcess.StartAsync(Requires.FunctionsHost(), _azurite, settings);

    private TableClient Purchases => new TableServiceClient(_azurite.ConnectionString).GetTableClient("Purchases");

    private async Task<List<PurchaseEntity>> StoredAsync(IEnumerable<string> ids) =>
        (await Task.WhenAll(ids.Select(async id => (await Purchases.GetEntityAsync<PurchaseEntity>(id, PurchaseEntity.Row)).Value))).ToList();

    /// <summary>The purchase's final events (purchase.succeeded or purchase.failed); since 1.2 a pledge
    /// and each payment have an event of their own beside it.</summary>
    private async Task<int> FinalEventCountAsync(string id)
    {
        var count = 0;
        await foreach (var row in Purchases.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {"event-"} and RowKey lt {"event."}")))
            if (row.GetString("Type") is "purchase.succeeded" or "purchase.failed") count++;
        return count;
    }

    private async Task<int> EventCountAsync(string id)
    {
        var count = 0;
        await foreach (var _ in Purchases.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {"event-"} and RowKey lt {"event."}")))
            count++;
        return count;
    }

    /// <summary>Pledged purchases with one pledger each, and two never pledged.</summary>
    private async Task<(List<string> Ids, List<string> ShareTokens)> WaitingPurchasesAsync(IServiceUnderTest service, int pledged)
    {
        var ids = new List<string>();
        var tokens = new List<string>();
        for (var i = 0; i < pledged; i++)
        {
            var (purchase, pledge) = await PledgedPurchaseAsync(service, pledgers: 1, amount: 6_000, notificationUrl: _merchant.Url);
            ids.Add(purchase.GetProperty("id").GetString()!);
            tokens.Add(ShareToken(pledge, 1));
        }
        for (var i = 0; i < 2; i++) ids.Add((await TestPurchases.CreateAsync(service.Client(), TestPurchases.Body(notificationUrl: _merchant.Url))).GetProperty("id").GetString()!);
        return (ids, tokens);
    }

    /// <summary>Every purchase final as expected, its money at rest and adding up, one final event each.</summary>
    private async Task AssertDecidedOnceAsync(IServiceUnderTest service, IReadOnlyCollection<string> ids, string paidId, TimeSpan within)
    {
        var final = await Eventually.ReturnsAsync(() => StoredAsync(ids), all => all.All(p => PurchaseStates.IsFinal(p.State)), within, "all final");
        foreach (var p in final)
        {
            Assert.Equal(p.PartitionKey == paidId ? PurchaseStates.Succeeded : PurchaseStates.Failed, p.State);
            if (p.State == PurchaseStates.Failed) Assert.Equal(FailureReasons.DeadlineExpired, p.FailureReason);
            await MoneyCheck.AssertInvariantsAsync(service, await MoneyCheck.AtRestAsync(service, p.PartitionKey, TimeSpan.FromSeconds(60)));
            Assert.Equal(1, await FinalEventCountAsync(p.PartitionKey));
        }
        // Each decision reached the merchant, once per event id.
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => _merchant.ReceivedFor(id).Any(r => r.Type is "purchase.succeeded" or "purchase.failed"))), TimeSpan.FromSeconds(90), "every outcome notified");
        }
        catch (TimeoutException e)
        {
            var missing = final.Where(p => !_merchant.ReceivedFor(p.PartitionKey).Any(r => r.Type is "purchase.succeeded" or "purchase.failed")).Select(p => $"{p.PartitionKey} {p.State}");
            throw new TimeoutException($"{e.Message}; not notified: {string.Join(", ", missing)}", e);
        }
        foreach (var id in ids)
            Assert.Equal(await EventCountAsync(id), _merchant.ReceivedFor(id).Select(r => r.EventId).Distinct().Count());
    }

    [SkippableFact]
    public async Task PurchasesWaitingWhenTheHostIsKilledAreDecidedRightAfterItsRestart()
    {
        var settings = Window("00:00:30");
        List<string> ids;
        string paid;
        await using (var first = await StartHostAsync(settings))
        {
            (ids, var tokens) = await WaitingPurchasesAsync(first, pledged: 4);
            paid = ids[0];
            // Answered 200 just before the kill: the purchase must still complete.
            await (await RetryingUnavailableAsync(() => PayAsync(first.Client(null), tokens[0]))).AssertOkAsync();
            await first.KillAsync();
        }
        var stored = await StoredAsync(ids);
        Assert.True(stored.Count(p => p.State == PurchaseStates.Initialized) >= 4, "the kill left purchases undecided");
        var latest = stored.Max(p => p.Deadline);
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() > latest), TimeSpan.FromSeconds(60), "every deadline passed while down");

        var restart = Stopwatch.StartNew();
        await using var second = await StartHostAsync(settings);
        var healthy = restart.Elapsed;
        await Eventually.TrueAsync(async () => (await StoredAsync(ids)).All(p => PurchaseStates.IsFinal(p.State)), TimeSpan.FromSeconds(90), "all final after restart");
        var decided = restart.Elapsed;
        await AssertDecidedOnceAsync(second, ids, paid, TimeSpan.FromSeconds(10));
        output.WriteLine($"host restarted healthy in {healthy.TotalSeconds:F1} s; {ids.Count} purchases final {decided.TotalSeconds:F1} s after the restart");
    }

    [SkippableFact]
    public async Task PurchasesSurviveTheirWorkerBeingKilledAlone()
    {
        var settings = Window("00:00:30");
        await using var host = await StartHostAsync(settings);
        var (ids, tokens) = await WaitingPurchasesAsync(host, pledged: 3);
        await (await RetryingUnavailableAsync(() => PayAsync(host.Client(null), tokens[0]))).AssertOkAsync();
        var worker = host.WorkerPid();
        await host.KillWorkerAsync();

        // The host starts a new worker; the purchases go on as if nothing happened.
        await host.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        Assert.NotEqual(worker, host.WorkerPid());
        var latest = (await StoredAsync(ids)).Max(p => p.Deadline);
        await AssertDecidedOnceAsync(host, ids, ids[0], latest - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60));
    }

    [SkippableFact]
    public async Task TwoHostsOnOneTaskHubDecideEachPurchaseOnce()
    {
        // Two instances of one app, as App Service names them: the worker id of the partition leases.
        Dictionary<string, string?> Settings(string instance) => new(Window("00:00:30"))
        {
            ["WEBSITE_CURRENT_STAMPNAME"] = "local", ["RoleInstanceId"] = instance,
        };
        await using var a = await StartHostAsync(Settings("host-a"));
        await using var b = await StartHostAsync(Settings("host-b"));
        var ids = (await Task.WhenAll(Enumerable.Range(0, 12).Select(i => TestPurchases.CreateAsync((i % 2 == 0 ? a : b).Client(), TestPurchases.Body(notificationUrl: _merchant.Url)))))
            .Select(p => p.GetProperty("id").GetString()!).ToList();
        var paid = ids.Where((_, i) => i % 3 == 0).ToHashSet();
        await Task.WhenAll(paid.Select(id => PayInFullAcrossAsync(a.Client, b.Client, id)));
        var latest = (await StoredAsync(ids)).Max(p => p.Deadline);
        var final = await Eventually.ReturnsAsync(() => StoredAsync(ids), all => all.All(p => PurchaseStates.IsFinal(p.State)),
            latest - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60), "all final");
        foreach (var p in final)
        {
            Assert.Equal(paid.Contains(p.PartitionKey) ? PurchaseStates.Succeeded : PurchaseStates.Failed, p.State);
            await MoneyCheck.AssertInvariantsAsync(a, await MoneyCheck.AtRestAsync(a, p.PartitionKey, TimeSpan.FromSeconds(60)));
            Assert.Equal(1, await FinalEventCountAsync(p.PartitionKey));
        }
        // Both hosts held leases: the work was shared, not one host idle beside the other.
        var owners = new HashSet<string>();
        await foreach (var row in new TableServiceClient(_azurite.ConnectionString).GetTableClient("PledgHubPartitions").QueryAsync<TableEntity>())
            if (row.GetString("CurrentOwner") is { Length: > 0 } owner) owners.Add(owner);
        output.WriteLine($"{ids.Count} purchases over two hosts; partition owners: {string.Join(", ", owners)}");
        Assert.Equal(2, owners.Count);
    }
}
