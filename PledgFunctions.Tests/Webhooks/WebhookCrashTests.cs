using System.Diagnostics;
using Azure.Data.Tables;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.Webhooks;

/// <summary>A process killed (SIGKILL) between a final write and its delivery: the next process delivers.</summary>
public sealed class WebhookCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Pledg:Webhooks:FirstRetryDelay"] = "00:00:01" };
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
        // Without in-process workers nothing is nudged: between the commit and the kill, the only trace of the
        // delivery is the durable message sent before the commit — exactly a process dying right after its commit.
        var noWorkers = new Dictionary<string, string?>(Settings) { ["Pledg:Lifecycle:InProcessWorkers"] = "false" };
        await using (var first = await ServiceProcess.StartAsync(_azurite, noWorkers))
        {
            var purchase = await TestPurchases.CreateAsync(first.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
            purchaseId = Events.Id(purchase);
            await (await first.Client().PostJsonAsync($"/api/purchases/{purchaseId}/cancel", new { })).AssertOkAsync();
            await first.KillAsync();
        }
        var atKill = await StoredEventAsync(purchaseId);
        Assert.Equal((EventEntity.Pending, 0), (atKill.Status, atKill.Attempts));
        Assert.Empty(receiver.Received);

        var restart = Stopwatch.StartNew();
        await using var second = await ServiceProcess.StartAsync(_azurite, Settings);
        var healthy = restart.Elapsed;
        var received = await Events.WaitForReceivedAsync(receiver, purchaseId);

        Assert.Equal(atKill.EventId, received[0].EventId);
        Assert.True(received[0].SignatureVerifies(TestService.MerchantSecret));
        var final = await Eventually.ReturnsAsync(() => StoredEventAsync(purchaseId), e => e.Status == EventEntity.Delivered, Events.Patience, "delivered");
        Assert.Equal(1, final.Attempts);
        output.WriteLine($"restart healthy after {healthy.TotalSeconds:F1} s, delivered {restart.Elapsed.TotalSeconds:F1} s after it started (grace 5 s from the commit); attempts {final.Attempts}");
    }
}

/// <summary>Two processes on one queue: every event arrives at least once, and its id lets the merchant drop duplicates.</summary>
public sealed class WebhookTwoProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartNewAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task TwoProcessesDeliverEveryEventAtLeastOnce()
    {
        var settings = new Dictionary<string, string?> { ["Pledg:Webhooks:FirstRetryDelay"] = "00:00:01", ["Pledg:Lifecycle:PollInterval"] = "00:00:00.100" };
        // Every third event fails its first POST, so its retry may be taken by either process.
        var failFirst = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var receiver = await WebhookReceiver.StartNewAsync((r, call, _) =>
            Task.FromResult(call == 1 && failFirst.GetOrAdd(r.EventId, id => Convert.ToInt32(id[^1..], 16) % 3 == 0) ? 500 : 200));
        var processes = await Task.WhenAll(ServiceProcess.StartAsync(_azurite, settings), ServiceProcess.StartAsync(_azurite, settings));
        try
        {
            var ids = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
            {
                var (one, other) = (processes[i % 2], processes[(i + 1) % 2]);
                var purchase = await TestPurchases.CreateAsync(one.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
                if (i % 4 < 2)
                    await (await other.Client().PostJsonAsync($"/api/purchases/{Events.Id(purchase)}/cancel", new { })).AssertOkAsync();
                else
                    await (await TestCheckout.PledgeAsync(other.Client(null), TestPurchases.OrganizerToken(purchase), TestCheckout.Pledgers(0))).AssertOkAsync();
                return Events.Id(purchase);
            }));

            var table = new TableServiceClient(_azurite.ConnectionString).GetTableClient("Purchases");
            await Eventually.TrueAsync(async () =>
            {
                var delivered = 0;
                await foreach (var _ in table.QueryAsync<EventEntity>(TableClient.CreateQueryFilter($"Status eq {EventEntity.Delivered}"))) delivered++;
                return delivered == ids.Length;
            }, Events.Patience, "every event delivered");

            var received = receiver.Received;
            var byEvent = received.GroupBy(r => r.EventId).ToList();
            Assert.Equal(ids.Length, byEvent.Count);
            Assert.Equal(ids.Order(), byEvent.Select(g => Assert.Single(g.Select(r => r.PurchaseId).Distinct())).Order());
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
