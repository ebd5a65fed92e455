using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PledgFunctions.Purchases;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Purchases;

/// <summary>Housekeeping every second (ended orchestrations are still kept 30 days).</summary>
public sealed class FrequentHousekeepingFixture : ServiceFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Pledg:History:PurgeEvery"] = "00:00:01";
}

/// <summary>Storage stays bounded: what a purchase leaves behind that nobody reads again is deleted
/// (expired idempotency keys by Purchases/IdempotencyExpiry.cs, settled announcements by the
/// purchase's final observation), and what stays is its record.</summary>
public sealed class HousekeepingTests(FrequentHousekeepingFixture fixture, ITestOutputHelper output) : IClassFixture<FrequentHousekeepingFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private TestService Service => fixture.Service;
    private StorageClients Storage => Service.Services.GetRequiredService<StorageClients>();

    [Fact]
    public async Task TheAnnouncementsOfAPurchaseAreDeletedOnceItIsFinalAndSettled()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 1);
        var id = purchase.GetProperty("id").GetString()!;
        // Pledged in its first minute: the pledge announced its authorization.
        Assert.NotEmpty(await RowKeysAsync(Storage.Purchases, id, AnnouncementEntity.RowPrefix));

        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        await Eventually.ReturnsAsync(() => RowKeysAsync(Storage.Purchases, id, AnnouncementEntity.RowPrefix), rows => rows.Count == 0, Bound,
            "announcements deleted");
    }

    [Fact]
    public async Task IdempotencyKeysPastTheirRetentionAreDeletedAndYoungerOnesStay()
    {
        var (oldKey, youngKey) = ($"old-{Guid.NewGuid():N}", $"young-{Guid.NewGuid():N}");
        var purchase = await CreateAsync(oldKey);
        await CreateAsync(youngKey);
        await AgeAsync(oldKey, TimeSpan.FromDays(7));

        await Eventually.TrueAsync(async () => await KeyRowAsync(oldKey) is null, Bound, "the expired key deleted");
        Assert.NotNull(await KeyRowAsync(youngKey));
        await RowsAfterAWeekAsync(purchase, youngKey);
    }

    /// <summary>The figures: a purchase pledged by one pledger who pays, its rows in each table once
    /// it is at rest, and a week later (the housekeeping run by a clock a week ahead).</summary>
    private async Task RowsAfterAWeekAsync(JsonElement purchase, string key)
    {
        var id = purchase.GetProperty("id").GetString()!;
        var pledge = await (await PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(1))).AssertOkAsync();
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
        await Money.MoneyCheck.AtRestAsync(Service, id, Bound);
        await Eventually.ReturnsAsync(() => RowKeysAsync(Storage.Purchases, id, AnnouncementEntity.RowPrefix), rows => rows.Count == 0, Bound,
            "announcements deleted");
        var atRest = await FiguresAsync(id, key);

        var weekLater = new FakeTimeProvider(TimeProvider.System.GetUtcNow() + TimeSpan.FromDays(7));
        await new IdempotencyExpiry(Storage, weekLater, NullLogger<IdempotencyExpiry>.Instance).DeleteExpiredAsync(CancellationToken.None);
        var week = await FiguresAsync(id, key);

        output.WriteLine($"rows of one purchase (1 pledger, paid), at rest:    {atRest}");
        output.WriteLine($"rows of one purchase (1 pledger, paid), a week on:  {week}");
        Assert.Equal(0, week.Idempotency);
        Assert.Equal(0, week.Announcements);
    }

    private async Task<Figures> FiguresAsync(string id, string key)
    {
        var partition = await RowKeysAsync(Storage.Purchases, id, "");
        var index = 0;
        await foreach (var _ in Storage.MerchantPurchases.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {id}"))) index++;
        var history = await RowKeysAsync(Storage.Tables.GetTableClient("PledgHubHistory"), id, "");
        var instances = await RowKeysAsync(Storage.Tables.GetTableClient("PledgHubInstances"), id, "");
        return new Figures(partition.Count, string.Join(",", partition.GroupBy(k => k.Split('-')[0]).Select(g => $"{g.Key}:{g.Count()}")),
            partition.Count(k => k.StartsWith(AnnouncementEntity.RowPrefix, StringComparison.Ordinal)),
            await KeyRowAsync(key) is null ? 0 : 1, index, instances.Count + history.Count);
    }

    private sealed record Figures(int Purchases, string ByKind, int Announcements, int Idempotency, int MerchantIndex, int EngineRows);

    private async Task<JsonElement> CreateAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = Http.Json(TestPurchases.Body()) };
        request.Headers.Add(IdempotencyFilter.Header, key);
        return await (await Service.Client().SendAsync(request)).AssertOkAsync(System.Net.HttpStatusCode.Created);
    }

    private async Task<IdempotencyEntity?> KeyRowAsync(string key)
    {
        var rowKey = IdempotencyStore.Hash(Encoding.UTF8.GetBytes(key));
        await foreach (var row in Storage.Idempotency.QueryAsync<IdempotencyEntity>(TableClient.CreateQueryFilter($"RowKey eq {rowKey}"))) return row;
        return null;
    }

    /// <summary>As if created <paramref name="ago"/>: the row's creation time moved back.</summary>
    private async Task AgeAsync(string key, TimeSpan ago)
    {
        var row = (await KeyRowAsync(key))!;
        row.CreatedAt -= ago;
        await Storage.Idempotency.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
    }

    private static async Task<List<string>> RowKeysAsync(TableClient table, string partition, string prefix)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"]))
            if (row.RowKey.StartsWith(prefix, StringComparison.Ordinal)) keys.Add(row.RowKey);
        return keys;
    }
}
