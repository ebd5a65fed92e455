using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Tests.Infrastructure;

public static class Cards
{
    public static object Good => new { number = "4242424242424242", expMonth = 12, expYear = 2030, cvc = "987" };
    public static object Declined => new { number = SandboxCardGateway.DeclinedCard, expMonth = 12, expYear = 2030, cvc = "987" };
    public static object InsufficientFunds => new { number = SandboxCardGateway.InsufficientFundsCard, expMonth = 12, expYear = 2030, cvc = "987" };
}

public static class TestCheckout
{
    public static object[] Pledgers(int count) =>
        Enumerable.Range(1, count).Select(i => (object)new { email = $"friend{i}+{Guid.NewGuid():N}@example.com" }).ToArray();

    public static Task<HttpResponseMessage> PledgeAsync(HttpClient client, string organizerToken, object[] pledgers, object? card = null) =>
        client.PostJsonAsync($"/api/checkout/{organizerToken}/pledge", new { pledgers, card = card ?? Cards.Good });

    /// <summary>A purchase pledged with <paramref name="pledgers"/> equal shares: (purchase, pledge answer).</summary>
    public static async Task<(JsonElement Purchase, JsonElement Pledge)> PledgedPurchaseAsync(IServiceUnderTest service, int pledgers, long amount = 12000,
        string? notificationUrl = null)
    {
        var purchase = await TestPurchases.CreateAsync(service.Client(), TestPurchases.Body(amount, notificationUrl: notificationUrl));
        var pledge = await (await PledgeAsync(service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(pledgers))).AssertOkAsync();
        return (purchase, pledge);
    }

    /// <summary>A created purchase paid in full across two processes of one task hub: read and paid
    /// through <paramref name="first"/>, pledged (one pledger) through <paramref name="second"/>
    /// (each a service's <c>Client(apiKey)</c>).</summary>
    public static async Task PayInFullAcrossAsync(Func<string?, HttpClient> first, Func<string?, HttpClient> second, string purchaseId)
    {
        var purchase = await (await first(TestService.MerchantKey).GetAsync($"/api/purchases/{purchaseId}")).AssertOkAsync();
        var pledge = await (await RetryingUnavailableAsync(() => PledgeAsync(second(null), TestPurchases.OrganizerToken(purchase), Pledgers(1)))).AssertOkAsync();
        await (await RetryingUnavailableAsync(() => PayAsync(first(null), ShareToken(pledge, 1)))).AssertOkAsync();
    }

    public static string ShareToken(JsonElement pledge, int index) =>
        pledge.GetProperty("shares")[index].GetProperty("shareUrl").GetString()!.Split('/')[^1];

    public static Task<HttpResponseMessage> PayAsync(HttpClient client, string shareToken, object? card = null) =>
        client.PostJsonAsync($"/api/shares/{shareToken}/pay", new { card = card ?? Cards.Good });

    /// <summary>Like a client of a busy service: a 503 <c>storage_unavailable</c> did nothing and says
    /// to retry (e.g. a pledge whose purchase's lifecycle had not started yet, while two processes
    /// hand partitions over), so it is retried a few times; any other answer is returned, a 503
    /// <c>payment_interrupted</c> included.</summary>
    public static async Task<HttpResponseMessage> RetryingUnavailableAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 8) return response;
            if (!(await response.Content.ReadAsStringAsync()).Contains("\"storage_unavailable\"", StringComparison.Ordinal)) return response;
            await Task.Delay(TimeSpan.FromSeconds(attempt));
        }
    }

    /// <summary>Every raw row of a purchase partition, as stored (for before/after comparisons), but
    /// the <c>announce-</c> rows: a request that charges a card or cancels right after the create
    /// writes one before its commit (its orchestration may not have started yet), which is not a
    /// change of the purchase.</summary>
    public static async Task<List<string>> RawPartitionAsync(IServiceUnderTest service, string purchaseId)
    {
        var table = service.Services.GetRequiredService<StorageClients>().Purchases;
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {purchaseId}")))
            if (!row.RowKey.StartsWith(AnnouncementEntity.RowPrefix, StringComparison.Ordinal))
                rows.Add(row.RowKey + " " + row.ETag + " " + string.Join(";", row.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        return rows;
    }

    public static async Task<IReadOnlyList<SandboxChargeEntity>> LedgerAsync(IServiceUnderTest service, string purchaseId) =>
        await service.Services.GetRequiredService<SandboxCardGateway>().LedgerOfAsync(purchaseId, CancellationToken.None);

    /// <summary>The gateway's ledger once no authorization is left open: a committed charge is
    /// captured just after its request answered (PromptCaptures), a lost race is voided before.</summary>
    public static Task<IReadOnlyList<SandboxChargeEntity>> SettledLedgerAsync(IServiceUnderTest service, string purchaseId) =>
        Eventually.ReturnsAsync(() => LedgerAsync(service, purchaseId), l => l.All(c => c.State != SandboxChargeEntity.Authorized),
            TimeSpan.FromSeconds(30), $"every authorization of {purchaseId} captured or voided");
}
