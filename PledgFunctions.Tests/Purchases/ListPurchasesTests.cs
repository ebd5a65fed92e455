using System.Net;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Purchases;

public sealed class ListPurchasesTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly HttpClient _merchant = fixture.Service.Client();

    [Fact]
    public async Task ListsNewestFirstAndPagesWithACursor()
    {
        var organizer = $"list+{Guid.NewGuid():N}@example.com";
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
            ids.Add((await TestPurchases.CreateAsync(_merchant, TestPurchases.Body(organizer: organizer))).GetProperty("id").GetString()!);
        ids.Reverse();

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/purchases?limit=3&organizerEmail={Uri.EscapeDataString(organizer.ToUpperInvariant())}" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await _merchant.GetAsync(url)).AssertOkAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task FiltersByState()
    {
        var organizer = $"list+{Guid.NewGuid():N}@example.com";
        var kept = (await TestPurchases.CreateAsync(_merchant, TestPurchases.Body(organizer: organizer))).GetProperty("id").GetString();
        var cancelled = (await TestPurchases.CreateAsync(_merchant, TestPurchases.Body(organizer: organizer))).GetProperty("id").GetString();
        await (await _merchant.PostAsync($"/api/purchases/{cancelled}/cancel", null)).AssertOkAsync();

        var failed = await (await _merchant.GetAsync($"/api/purchases?state=FAILED&organizerEmail={Uri.EscapeDataString(organizer)}")).AssertOkAsync();
        var open = await (await _merchant.GetAsync($"/api/purchases?state=INITIALIZED&organizerEmail={Uri.EscapeDataString(organizer)}")).AssertOkAsync();

        Assert.Equal([cancelled], failed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal([kept], open.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task DefaultLimitIsTwenty()
    {
        for (var i = 0; i < 21; i += 7)
            await Task.WhenAll(Enumerable.Range(0, 7).Select(_ => TestPurchases.CreateAsync(_merchant)));
        var page = await (await _merchant.GetAsync("/api/purchases")).AssertOkAsync();
        Assert.Equal(20, page.GetProperty("items").GetArrayLength());
        Assert.NotNull(page.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task ListingByAnEmailThatMatchesNothingReadsOnlyThatEmailsRowsInOnePage()
    {
        for (var i = 0; i < 60; i += 10)
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => TestPurchases.CreateAsync(_merchant)));
        using var requests = StorageRequests.Record(fixture.Azurite.TablePort);

        var page = await (await _merchant.GetAsync($"/api/purchases?organizerEmail=nobody+{Guid.NewGuid():N}@example.com")).AssertOkAsync();

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var index = requests.Uris.Where(u => u.AbsolutePath.StartsWith("/devstoreaccount1/MerchantPurchases", StringComparison.Ordinal)).ToList();
        var query = Uri.UnescapeDataString(Assert.Single(index).Query);
        // A key range of one partition, not a merchant-wide scan filtered on a column.
        Assert.Contains("PartitionKey eq", query);
        Assert.DoesNotContain("OrganizerEmail", query);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("state=DONE", "state")]
    [InlineData("state=failed", "state")]
    [InlineData("cursor=garbage!", "cursor")]
    public async Task InvalidQueryParametersAre400(string query, string field) =>
        await (await _merchant.GetAsync($"/api/purchases?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", field);
}
