using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.RateLimiting;

/// <summary>Random API keys from one address: refused by the address's bucket before they cost a
/// storage read, while a known merchant on the same address keeps its own bucket and its pace.</summary>
public sealed class UnknownKeyFloodTests(ITestOutputHelper output)
{
    private const int PermitsPerSecond = 20;
    private const int Burst = 50;
    private const int Flooders = 4;
    private const int KeysPerFlooder = 1000;

    private static string UnknownPurchase => "pur_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ThousandsOfRandomKeysAreRefusedWithoutStorageReadsWhileAKnownMerchantKeepsAnswering()
    {
        await using var azurite = await Azurite.StartNewAsync();
        await using var service = await TestService.StartAsync(azurite, s =>
        {
            s["Pledg:RateLimits:PermitsPerSecond"] = PermitsPerSecond.ToString();
            s["Pledg:RateLimits:Burst"] = Burst.ToString();
            s["Pledg:Lifecycle:InProcessWorkers"] = "false"; // no background polling in the storage count
        });
        var storage = service.Services.GetRequiredService<StorageOperationCounter>();
        using var client = service.Client(null);
        var merchant = service.Client();
        var quietBefore = storage.Total;
        var quiet = await KnownMerchantLatenciesAsync(merchant, () => true, minimum: 20);
        var readsPerMerchantRequest = (double)(storage.Total - quietBefore) / quiet.Count;

        var opsBefore = storage.Total;
        var elapsed = Stopwatch.StartNew();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var flooding = Enumerable.Range(0, Flooders).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < KeysPerFlooder; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/purchases/{UnknownPurchase}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk_guess_" + Guid.NewGuid().ToString("N"));
                using var response = await client.SendAsync(request);
                statuses.Add(response.StatusCode);
            }
        })).ToArray();
        var flood = Task.WhenAll(flooding);
        var during = await KnownMerchantLatenciesAsync(merchant, () => flood.IsCompleted, minimum: 20);
        await flood;
        elapsed.Stop();
        var storageReadsOfTheFlood = storage.Total - opsBefore - readsPerMerchantRequest * during.Count;

        var admitted = statuses.Count(s => s != HttpStatusCode.TooManyRequests);
        // What the address's bucket can admit in that time, doubled for the limiter's 100 ms refill
        // granularity: still far below one read per key (the behaviour this test guards against).
        var budget = 2 * (Burst + PermitsPerSecond * elapsed.Elapsed.TotalSeconds);
        output.WriteLine($"flood: {statuses.Count} requests in {elapsed.ElapsedMilliseconds} ms, {admitted} admitted, {storageReadsOfTheFlood:F0} storage operations");
        output.WriteLine($"known merchant p50: {Median(quiet)} ms alone, {Median(during)} ms during the flood ({during.Count} requests)");

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized, $"{s}"));
        Assert.True(admitted <= budget, $"{admitted} admitted, budget {budget:F0}");
        Assert.True(storageReadsOfTheFlood <= budget, $"{storageReadsOfTheFlood:F0} storage operations for {statuses.Count} unknown keys, budget {budget:F0}");
        Assert.True(Median(during) < 500, $"known merchant p50 during the flood: {Median(during)} ms");
    }

    /// <summary>Reads by the known merchant at half its permitted rate until <paramref name="stop"/>
    /// (and at least <paramref name="minimum"/> of them); each must be answered, never refused.</summary>
    private static async Task<List<long>> KnownMerchantLatenciesAsync(HttpClient merchant, Func<bool> stop, int minimum)
    {
        var latencies = new List<long>();
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(2.0 / PermitsPerSecond));
        while ((latencies.Count < minimum || !stop()) && await pace.WaitForNextTickAsync())
        {
            var watch = Stopwatch.StartNew();
            using var response = await merchant.GetAsync($"/api/purchases/{UnknownPurchase}");
            latencies.Add(watch.ElapsedMilliseconds);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        return latencies;
    }

    private static long Median(List<long> values) => values.Order().ElementAt(values.Count / 2);
}
