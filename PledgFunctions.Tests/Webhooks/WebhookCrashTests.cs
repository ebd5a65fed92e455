using System.Diagnostics;
using Azure.Data.Tables;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.Webhooks;

/// <summary>A process killed (SIGKILL) between a final write and its delivery: the next process delivers.</summary>
[Collection(ProcessCollection.Name)]
public sealed class WebhookCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Work a killed process had in hand shows again after the queue visibility timeout.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Pledg:Webhooks:FirstRetryDelay"] = "00:00:01", ["Pledg:Engine:QueueVisibilityTimeout"] = "00:00:05",
    };
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartNewAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private async Task<EventEntity> StoredEventAsync(string purchaseId)
    {
        var table = new TableServiceClient(_azurite.ConnectionString).GetTableClient("Purchases");
        var events = new List<EventEntity>();
        await foreach (var e in table.QueryAsync<EventEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {purchaseId} and RowKey ge {"event-"} and RowKey lt {"event."}")))
            events.Add(e);
        return Assert.Single(events);
    }

    [Fact]
    public async Task AnEventWhoseReceiverWasDownWhenTheProcessDiedIsDeliveredAfterRestart()
    {
        // The receiver is not listening yet: whatever the process tried before dying failed.
        await using var receiver = new WebhookReceiver();
        string purchaseId;
        await using (var first = await ServiceProcess.StartAsync(_azurite, Settings))
        {
            var purchase = await TestPurchases.CreateAsync(first.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
            purchaseId = Events.Id(purchase);
            await (await first.Client().PostJsonAsync($"/api/purchases/{purchaseId}/cancel", new { })).AssertOkAsync();
            // Killed as soon as its first attempt has failed: the retry it scheduled (1 s later) is still in the queue.
            await Eventually.TrueAsync(async () => (await StoredEventAsync(purchaseId)).Attempts >= 1, Events.Patience, "first attempt failed");
            await first.KillAsync();
        }
        var atKill = await StoredEventAsync(purchaseId);
        Assert.Equal(EventEntity.Pending, atKill.Status);
        Assert.Empty(receiver.Received);
        output.WriteLine($"killed with event {atKill.EventId} pending after {atKill.Attempts} attempt(s), last error: {atKill.LastError ?? "none"}");

        await receiver.StartAsync();
        var restart = Stopwatch.StartNew();
        await using var second = await ServiceProcess.StartAsync(_azurite, Settings);
        var healthy = restart.Elapsed;
        var received = await Events.WaitForReceivedAsync(receiver, purchaseId);
        var delivered = restart.Elapsed;

        Assert.Equal(atKill.EventId, received[0].EventId);
        Assert.True(received[0].SignatureVerifies(TestService.MerchantSecret));
        var final = await Eventually.ReturnsAsync(() => StoredEventAsync(purchaseId), e => e.Status == EventEntity.Delivered, Events.Patience, "delivered");
        output.WriteLine($"restart healthy after {healthy.TotalSeconds:F1} s, delivered {delivered.TotalSeconds:F1} s after restart; attempts in all {final.Attempts}, POSTs received {receiver.ReceivedFor(purchaseId).Count}");
    }

    [Fact]
    public async Task AnEventCommittedRightBeforeTheProcessDiedIsDeliveredByTheNextProcess()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        string purchaseId;
        // Killed the moment the cancel answered: the only trace of the delivery is the nudge the cancel
        // raised before its commit and the event row the commit wrote.
        await using (var first = await ServiceProcess.StartAsync(_azurite, Settings))
        {
            var purchase = await TestPurchases.CreateAsync(first.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
            purchaseId = Events.Id(purchase);
            await (await first.Client().PostJsonAsync($"/api/purchases/{purchaseId}/cancel", new { })).AssertOkAsync();
            await first.KillAsync();
        }
        var atKill = await StoredEventAsync(purchaseId);

        var restart = Stopwatch.StartNew();
        await using var second = await ServiceProcess.StartAsync(_azurite, Settings);
        var healthy = restart.Elapsed;
        var received = await Events.WaitForReceivedAsync(receiver, purchaseId);

        Assert.Equal(atKill.EventId, received[0].EventId);
        Assert.True(received[0].SignatureVerifies(TestService.MerchantSecret));
        var final = await Eventually.ReturnsAsync(() => StoredEventAsync(purchaseId), e => e.Status == EventEntity.Delivered, Events.Patience, "delivered");
        output.WriteLine($"at the kill: {atKill.Status} after {atKill.Attempts} attempt(s); restart healthy after {healthy.TotalSeconds:F1} s, " +
                         $"delivered {restart.Elapsed.TotalSeconds:F1} s after it started; attempts {final.Attempts}");
    }
}

/// <summary>Two processes on one task hub: every event arrives at least once, and its id lets the merchant drop duplicates.</summary>
[Collection(ProcessCollection.Name)]
public sealed class WebhookTwoProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartNewAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task TwoProcessesDeliverEveryEventAtLeastOnce()
    {
        // 4 partitions, shared by the two processes through their leases.
        Dictionary<string, string?> Settings(string worker) =>
            new() { ["Pledg:Webhooks:FirstRetryDelay"] = "00:00:01", ["Pledg:Engine:WorkerId"] = worker, ["Pledg:Engine:PartitionCount"] = "4" };
        // Every third event fails its first POST, so its retry may be taken by either process.
        var failFirst = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var receiver = await WebhookReceiver.StartNewAsync((r, call, _) =>
            Task.FromResult(call == 1 && failFirst.GetOrAdd(r.EventId, id => Convert.ToInt32(id[^1..], 16) % 3 == 0) ? 500 : 200));
        var processes = await Task.WhenAll(ServiceProcess.StartAsync(_azurite, Settings("worker-a")), ServiceProcess.StartAsync(_azurite, Settings("worker-b")));
        try
        {
            var ids = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
            {
                var (one, other) = (processes[i % 2], processes[(i + 1) % 2]);
                var purchase = await TestPurchases.CreateAsync(one.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
                if (i % 4 < 2)
                    await (await TestCheckout.RetryingUnavailableAsync(() => other.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { }))).AssertOkAsync();
                else
                    await (await TestCheckout.RetryingUnavailableAsync(() => TestCheckout.PledgeAsync(other.Client(null), TestPurchases.OrganizerToken(purchase), TestCheckout.Pledgers(0)))).AssertOkAsync();
                return Events.Id(purchase);
            }));
            // A pledged purchase also announces its pledge (purchase.pledged): two events each.
            var expected = ids.Length + ids.Where((_, i) => i % 4 >= 2).Count();

            var table = new TableServiceClient(_azurite.ConnectionString).GetTableClient("Purchases");
            try
            {
                await Eventually.TrueAsync(async () =>
                {
                    var delivered = 0;
                    await foreach (var _ in table.QueryAsync<EventEntity>(TableClient.CreateQueryFilter($"Status eq {EventEntity.Delivered}"))) delivered++;
                    return delivered == expected;
                }, Events.Patience, "every event delivered");
            }
            catch (TimeoutException)
            {
                // Say which purchases are stuck where: their state and their events.
                foreach (var id in ids)
                {
                    var rows = new List<string>();
                    await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}")))
                        if (row.RowKey == "purchase" || row.RowKey.StartsWith(EventEntity.RowPrefix, StringComparison.Ordinal))
                            rows.Add($"{row.RowKey}: {row.GetString("State") ?? row.GetString("Status")} {row.GetString("Type")}");
                    output.WriteLine($"{id}: {string.Join("; ", rows)}");
                    var service = new TableServiceClient(_azurite.ConnectionString);
                    await foreach (var row in service.GetTableClient("PledgHubInstances").QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}")))
                        output.WriteLine($"  instance {row.GetString("RuntimeStatus")} updated {row.GetDateTime("LastUpdatedTime"):O}");
                    await foreach (var row in service.GetTableClient("PledgHubHistory").QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}")))
                        output.WriteLine($"  history {row.RowKey} {row.GetString("EventType")} {row.GetString("Name")} {row.GetDateTime("Timestamp"):O} {row.GetDateTime("FireAt"):O}");
                }
                throw;
            }

            var received = receiver.Received;
            var byEvent = received.GroupBy(r => r.EventId).ToList();
            Assert.Equal(expected, byEvent.Count);
            Assert.Equal(ids.Order(), byEvent.Select(g => Assert.Single(g.Select(r => r.PurchaseId).Distinct())).Distinct().Order());
            Assert.All(received, r => Assert.True(r.SignatureVerifies(TestService.MerchantSecret)));
            output.WriteLine($"{ids.Length} purchases over two processes: {received.Count} POSTs for {byEvent.Count} distinct event ids " +
                             $"({byEvent.Count(g => g.Count() > 1)} received more than once, {failFirst.Count(f => f.Value)} of them failed their first POST on purpose)");
        }
        finally
        {
            foreach (var process in processes) await process.DisposeAsync();
        }
    }
}
