using System.Net;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Purchases;

/// <summary>Contract 1.2: the payments and events lists page like the purchases list (limit 1–100,
/// default 100; cursor = the previous page's nextCursor; nextCursor null on the last page).</summary>
public sealed class ListPagingTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly TestService _service = fixture.Service;
    private readonly HttpClient _merchant = fixture.Service.Client();

    [Fact]
    public async Task PaymentsPagesTogetherAreTheWholeListInOrder()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, pledgers: 2);
        var id = Events.Id(purchase);
        await (await PayAsync(_service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
        await (await PayAsync(_service.Client(null), ShareToken(pledge, 2))).AssertOkAsync();
        // The pledge's charge, two share charges and two reimbursements.
        var whole = await Eventually.ReturnsAsync(() => PageAsync($"/api/purchases/{id}/payments"),
            p => p.Items.Length == 5, TimeSpan.FromSeconds(30), "five payments");
        Assert.Null(whole.NextCursor);

        var paged = await AllPagesAsync($"/api/purchases/{id}/payments", limit: 2);

        Assert.Equal([2, 2, 1], paged.Select(p => p.Items.Length));
        Assert.Equal(whole.Items.Select(IdOf), paged.SelectMany(p => p.Items).Select(IdOf));
    }

    [Fact]
    public async Task EventsPageTheSameWay()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var purchase = await TestPurchases.CreateAsync(_merchant, TestPurchases.Body(notificationUrl: receiver.Url));
        var id = Events.Id(purchase);
        await (await PledgeAsync(_service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(0))).AssertOkAsync();
        await (await _merchant.PostAsync($"/api/purchases/{id}/refund", null)).AssertOkAsync(HttpStatusCode.Accepted);
        var whole = await Eventually.ReturnsAsync(() => PageAsync($"/api/purchases/{id}/events"),
            p => p.Items.Any(e => e.GetProperty("type").GetString() == "purchase.refunded"), TimeSpan.FromSeconds(60), "the refunded event");

        var paged = await AllPagesAsync($"/api/purchases/{id}/events", limit: 1);

        Assert.All(paged, p => Assert.Single(p.Items));
        Assert.Equal(whole.Items.Select(IdOf), paged.SelectMany(p => p.Items).Select(IdOf));
    }

    [Theory]
    [InlineData("payments", "limit=0", "limit")]
    [InlineData("payments", "limit=101", "limit")]
    [InlineData("payments", "limit=ten", "limit")]
    [InlineData("payments", "cursor=%21%21", "cursor")]
    [InlineData("events", "limit=-1", "limit")]
    [InlineData("events", "cursor=bm90LWFuLWV2ZW50", "cursor")] // base64url of an id this list never gave
    public async Task ABadLimitOrCursorIsAValidationError(string list, string query, string field)
    {
        var purchase = await TestPurchases.CreateAsync(_merchant);

        await (await _merchant.GetAsync($"/api/purchases/{Events.Id(purchase)}/{list}?{query}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", field);
    }

    private static string IdOf(JsonElement item) => item.GetProperty("id").GetString()!;

    private sealed record Page(JsonElement[] Items, string? NextCursor);

    private async Task<Page> PageAsync(string url)
    {
        var body = await (await _merchant.GetAsync(url)).AssertOkAsync();
        var next = body.GetProperty("nextCursor");
        return new Page(body.GetProperty("items").EnumerateArray().ToArray(), next.ValueKind == JsonValueKind.Null ? null : next.GetString());
    }

    private async Task<List<Page>> AllPagesAsync(string url, int limit)
    {
        var pages = new List<Page> { await PageAsync($"{url}?limit={limit}") };
        while (pages[^1].NextCursor is { } cursor && pages.Count < 50)
            pages.Add(await PageAsync($"{url}?limit={limit}&cursor={Uri.EscapeDataString(cursor)}"));
        return pages;
    }
}
