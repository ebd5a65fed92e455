using System.Net;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.OpenApi;
using PledgFunctions.Tests.RateLimiting;
using NSwag = PledgFunctions.NSwagClient;

namespace PledgFunctions.Tests.Client;

/// <summary>The merchant flow through a second generator's client (NSwag, System.Text.Json:
/// clients/nswag) against the real service: what issue 30 found broken in such a client (a PATCH
/// sending every field, an event list it could not read) must stay fixed.</summary>
public sealed class NSwagClientTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "clients", "nswag");

    private readonly TestService _service = fixture.Service;

    private NSwag.PledgNSwagClient Merchant() => new(_service.Client()) { BaseUrl = _service.BaseAddress.ToString() };

    private static NSwag.CreatePurchaseRequest NewPurchase(string organizer, string? notificationUrl = null) => new()
    {
        OrganizerEmail = organizer,
        Amount = 12000,
        Currency = NSwag.Currency.EUR,
        Cart = [new NSwag.CartItem { Name = "Tent", Quantity = 1, UnitAmount = 12000 }],
        Reference = "order-" + Guid.NewGuid().ToString("N")[..8],
        NotificationUrl = notificationUrl is null ? null : new Uri(notificationUrl),
    };

    [Fact]
    public async Task TheCheckedInClientIsWhatNSwagGeneratesFromTheDocument()
    {
        var fresh = Directory.CreateTempSubdirectory("pledg-nswag-").FullName;
        try
        {
            var config = (await File.ReadAllTextAsync(Path.Combine(Folder, "nswag.json")))
                .Replace("../../PledgFunctions.Client/openapi.json", OpenApiDocumentFileTests.CheckedInPath);
            await File.WriteAllTextAsync(Path.Combine(fresh, "nswag.json"), config);
            await RepositoryCommand.RunAsync("dotnet", "tool", "restore");
            await RepositoryCommand.RunAsync("dotnet", "tool", "run", "nswag", "run", Path.Combine(fresh, "nswag.json"));
            Assert.True(Normalized(Path.Combine(fresh, "PledgNSwagClient.cs")) == Normalized(Path.Combine(Folder, "PledgNSwagClient.cs")),
                "clients/nswag/PledgNSwagClient.cs differs from what NSwag makes of the document: run `dotnet tool run nswag run nswag.json` in clients/nswag and commit.");
        }
        finally
        {
            Directory.Delete(fresh, recursive: true);
        }
    }

    [Fact]
    public async Task TheMerchantFlowRunsThroughTheNSwagClient()
    {
        var api = Merchant();
        var organizer = $"alice-{Guid.NewGuid():N}@example.com";
        var key = "nswag-" + Guid.NewGuid().ToString("N");

        // Create with an Idempotency-Key: the replay is the same purchase.
        var request = NewPurchase(organizer);
        var created = await api.CreatePurchaseAsync(request, key);
        Assert.Equal(created.Id, (await api.CreatePurchaseAsync(request, key)).Id);

        // PATCH of one field: nothing else changes (the client sends only what was set).
        var edited = await api.EditPurchaseAsync(created.Id, new NSwag.PatchPurchaseRequest { Reference = "order-nswag" });
        Assert.Equal("order-nswag", edited.Reference);
        Assert.Equal((created.Amount, created.Currency, created.Cart!.Count, created.OrganizerEmail, created.Deadline),
            (edited.Amount, edited.Currency, edited.Cart!.Count, edited.OrganizerEmail, edited.Deadline));

        // List with paging: two purchases of one organizer, one a page.
        var second = await api.CreatePurchaseAsync(NewPurchase(organizer));
        var first = await api.ListPurchasesAsync(organizer, limit: 1);
        Assert.NotNull(first.NextCursor);
        var rest = await api.ListPurchasesAsync(organizer, limit: 1, cursor: first.NextCursor);
        Assert.Null(rest.NextCursor);
        Assert.Equal([second.Id, created.Id], first.Items.Concat(rest.Items).Select(p => p.Id));

        // A purchase without pledgers succeeds at once; its events are read; it is refunded.
        var paid = await api.CreatePurchaseAsync(NewPurchase(organizer, "http://127.0.0.1:9/pledg-events"));
        await (await _service.Client(null).PostAsync($"/api/checkout/{paid.PaymentUrl.Segments[^1]}/pledge",
            Http.Json(new { pledgers = Array.Empty<object>(), card = Cards.Good }))).AssertOkAsync();
        var events = await api.ListPurchaseEventsAsync(paid.Id, limit: 10);
        Assert.Equal(["purchase.pledged", "purchase.succeeded"], events.Items.Select(e => e.Type).Order());
        Assert.NotNull((await api.ListMessagesAsync(paid.Id)).Items); // what was e-mailed to the members (contract 1.2)
        var refunding = await api.RefundPurchaseAsync(paid.Id, body: new NSwag.RefundPurchaseRequest { Reason = "returned" });
        Assert.Equal(NSwag.RefundStatus.Pending, refunding.RefundStatus);
        Assert.NotEmpty((await api.ListPaymentsAsync(paid.Id)).Items);

        // Cancel, then a typed problem with its code.
        var cancelled = await api.CancelPurchaseAsync(created.Id, body: new NSwag.CancelPurchaseRequest { Reason = "changed their mind" });
        Assert.Equal(NSwag.PurchaseState.FAILED, cancelled.State);
        var again = await Assert.ThrowsAsync<NSwag.PledgApiException<NSwag.Problem>>(() => api.CancelPurchaseAsync(created.Id));
        Assert.Equal((409, "purchase_not_modifiable"), (again.StatusCode, again.Result.Code));
    }

    private static string Normalized(string path) => File.ReadAllText(path).ReplaceLineEndings("\n");
}

/// <summary>A 429 through the NSwag client: a typed problem with its code and the Retry-After to wait.</summary>
public sealed class NSwagClientRateLimitTests(RateLimitedServices services) : IClassFixture<RateLimitedServices>
{
    [Fact]
    public async Task ATooManyRequestsProblemCarriesItsCodeAndRetryAfter()
    {
        var api = new NSwag.PledgNSwagClient(services.Limited.Client()) { BaseUrl = services.Limited.BaseAddress.ToString() };
        NSwag.PledgApiException<NSwag.Problem>? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            try { await api.GetPurchaseAsync($"pur_{Guid.NewGuid():N}"); }
            catch (NSwag.PledgApiException<NSwag.Problem> e) when (e.StatusCode == (int)HttpStatusCode.TooManyRequests) { refused = e; }
            catch (NSwag.PledgApiException<NSwag.Problem> e) when (e.StatusCode == (int)HttpStatusCode.NotFound) { }
        }
        Assert.NotNull(refused);
        Assert.Equal("rate_limited", refused.Result.Code);
        Assert.True(int.Parse(Assert.Single(refused.Headers["Retry-After"])) >= 1);
    }
}
