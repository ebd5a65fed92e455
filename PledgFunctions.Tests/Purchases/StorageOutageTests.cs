using System.Diagnostics;
using System.Net;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Purchases;

/// <summary>Azurite is killed mid-test: every request answers 503 storage_unavailable with
/// Retry-After within seconds, and the service recovers by itself when storage is back.</summary>
public sealed class StorageOutageTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly Azurite _azurite = fixture.Azurite;
    private readonly TestService _service = fixture.Service;

    [Fact]
    public async Task RequestsAnswer503WhileStorageIsDownAndReadsRecoverWithoutARestart()
    {
        var merchant = _service.Client();
        var created = await TestPurchases.CreateAsync(merchant);
        var id = created.GetProperty("id").GetString();
        await (await merchant.GetAsync("/api/health")).AssertOkAsync();

        await _azurite.StopAsync();

        var page = _service.Client(null);
        var requests = new Func<Task<HttpResponseMessage>>[]
        {
            () => merchant.PostJsonAsync("/api/purchases", TestPurchases.Body()),
            () => merchant.GetAsync($"/api/purchases/{id}"),
            () => merchant.GetAsync($"/api/purchases/{id}/status"),
            () => merchant.GetAsync("/api/purchases"),
            () => merchant.PostAsync($"/api/purchases/{id}/cancel", null),
            () => page.GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(created)}"),
            () => TestCheckout.PledgeAsync(page, TestPurchases.OrganizerToken(created), TestCheckout.Pledgers(1)),
            () => merchant.GetAsync("/api/health"),
        };
        foreach (var send in requests)
        {
            var clock = Stopwatch.StartNew();
            var response = await send();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
            await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            Assert.NotNull(response.Headers.RetryAfter);
        }

        await _azurite.StartAsync(); // same ports, empty (in-memory): tables and merchants are re-created

        await Eventually.TrueAsync(async () => (await merchant.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), "healthy again");
        var read = await merchant.GetAsync($"/api/purchases/{id}");
        await read.AssertProblemAsync(HttpStatusCode.NotFound, "not_found"); // the account lost its data, and says so
        // The engine's provider creates its task hub once per process: a storage account that lost
        // everything (only a development Azurite does) needs a restart for creation; until then 503.
        await (await merchant.PostJsonAsync("/api/purchases", TestPurchases.Body())).AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
    }
}
