using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Checkout;

/// <summary>A service whose Durable client counts its calls to the engine.</summary>
public sealed class EngineCallsFixture : ServiceFixture
{
    public EngineCalls EngineCalls { get; private set; } = null!;

    protected override void ConfigureServices(IServiceCollection services) => EngineCalls = EngineCalls.AddTo(services);
}

/// <summary>The purchase id half of a token is not secret: a token made of a real purchase id and
/// a guessed secret must cost the purchase nothing (no announcement written, no nudge raised, no
/// status asked of the engine) and be answered as a token of no purchase at all.</summary>
public sealed class ForgedTokenTests(EngineCallsFixture fixture) : IClassFixture<EngineCallsFixture>
{
    private TestService Service => fixture.Service;
    private readonly HttpClient _page = fixture.Service.Client(apiKey: null);

    [Fact]
    public async Task AForgedOrganizerTokenWritesNothingCallsNoEngineAndIsAnsweredAsAnUnknownOne()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var id = purchase.GetProperty("id").GetString()!;
        var unknown = PurchaseKeys.NewOrganizerToken(PurchaseKeys.NewPurchaseId(TimeProvider.System.GetUtcNow()));
        var expected = await AnswerAsync(await PledgeAsync(_page, unknown, Pledgers(1)));

        var (rows, calls) = (await PartitionAsync(id), fixture.EngineCalls.Total);
        var answer = await AnswerAsync(await PledgeAsync(_page, Forge(TestPurchases.OrganizerToken(purchase)), Pledgers(1)));

        Assert.Equal(0, fixture.EngineCalls.Total - calls);
        Assert.Equal(rows, await PartitionAsync(id));
        Assert.Equal(expected, answer);
        Assert.StartsWith("404 application/problem+json", answer);
    }

    [Fact]
    public async Task AForgedShareTokenWritesNothingCallsNoEngineAndIsAnsweredAsAnUnknownOne()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        await SettledLedgerAsync(Service, id); // the pledge's capture is done: nothing else writes the partition
        var unknown = PurchaseKeys.NewShareToken(PurchaseKeys.NewPurchaseId(TimeProvider.System.GetUtcNow()), 1);
        var expected = await AnswerAsync(await PayAsync(_page, unknown));

        var (rows, calls) = (await PartitionAsync(id), fixture.EngineCalls.Total);
        var answer = await AnswerAsync(await PayAsync(_page, Forge(ShareToken(pledge, 1))));

        Assert.Equal(0, fixture.EngineCalls.Total - calls);
        Assert.Equal(rows, await PartitionAsync(id));
        Assert.Equal(expected, answer);
        Assert.StartsWith("404 application/problem+json", answer);
    }

    /// <summary>The same purchase (and share) id, another secret.</summary>
    private static string Forge(string token) => token[..^3] + (token[^3] == 'A' ? "BAA" : "AAA");

    /// <summary>Status, media type and body, but the trace id (each request's own).</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {body.ToJsonString()}";
    }

    /// <summary>Every row of the purchase's partition with its ETag, announcements included: any
    /// write to the partition changes it.</summary>
    private async Task<List<string>> PartitionAsync(string purchaseId)
    {
        var table = Service.Services.GetRequiredService<StorageClients>().Purchases;
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {purchaseId}"), select: ["RowKey"]))
            rows.Add($"{row.RowKey} {row.ETag}");
        return rows;
    }
}
