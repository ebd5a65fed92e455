using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PledgFunctions.Functions;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Functions;

/// <summary>The standalone service and, beside it, the Functions-mode dispatcher built over the same
/// services: every request is sent once over HTTP to the standalone route and once to the function
/// method, and both answers must be the same (status, the headers a client relies on, body).</summary>
public sealed class FunctionsMatchStandaloneTests : IClassFixture<FunctionsMatchStandaloneTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public Azurite Azurite { get; private set; } = null!;
        public TestService Service { get; private set; } = null!;
        public FunctionInvoker Invoker { get; private set; } = null!;
        public FunctionEndpoints Endpoints { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Azurite = await Azurite.StartNewAsync();
            // The holder a function fills with its bound Durable client, as the worker registers it.
            Service = await TestService.StartAsync(Azurite, services: s => s.AddScoped<DurableClientAccessor>());
            Endpoints = new FunctionEndpoints(Service.Services);
            Invoker = new FunctionInvoker(Service.Services, Service.BaseAddress);
        }

        public async Task DisposeAsync()
        {
            await Service.DisposeAsync();
            await Azurite.DisposeAsync();
        }
    }

    private readonly Fixture _f;
    private readonly PurchasesFunctions _purchases;
    private readonly CheckoutFunctions _checkout;
    private readonly SharesFunctions _shares;
    private readonly PagesFunctions _pages;
    private readonly OperationsFunctions _operations;
    private readonly EventsFunctions _events;
    private readonly DurableTaskClient _client = new GrpcDurableTaskClient("unused",
        new GrpcDurableTaskClientOptions { Channel = GrpcChannel.ForAddress("http://127.0.0.1:9") }, NullLogger.Instance);

    public FunctionsMatchStandaloneTests(Fixture fixture)
    {
        _f = fixture;
        _purchases = new PurchasesFunctions(fixture.Endpoints);
        _checkout = new CheckoutFunctions(fixture.Endpoints);
        _shares = new SharesFunctions(fixture.Endpoints);
        _pages = new PagesFunctions(fixture.Endpoints);
        _operations = new OperationsFunctions(fixture.Endpoints);
        _events = new EventsFunctions(fixture.Endpoints);
    }

    [Fact]
    public async Task MerchantApiErrorsAreTheSame()
    {
        const string id = "pur_00000000000000000000000000000000";
        var nobody = await SameAsync(_purchases.GetPurchase, HttpMethod.Get, $"/api/purchases/{id}", apiKey: null);
        Assert.Equal(401, nobody.Status);
        Assert.Equal("Bearer", nobody.Headers["www-authenticate"]);
        Assert.Equal(401, (await SameAsync(_purchases.ListPurchases, HttpMethod.Get, "/api/purchases", apiKey: "sk_unknown_0123456789abcdef")).Status);
        Assert.Equal(404, (await SameAsync(_purchases.GetPurchase, HttpMethod.Get, $"/api/purchases/{id}")).Status);
        Assert.Equal(404, (await SameAsync(_events.ListPurchaseEvents, HttpMethod.Get, $"/api/purchases/{id}/events")).Status);
        Assert.Equal(404, (await SameAsync(_events.RedeliverEvent, HttpMethod.Post, "/api/events/evt_unknown/redeliver", json: "{}")).Status);

        var invalid = await SameAsync(c => _purchases.CreatePurchase(c, _client), HttpMethod.Post, "/api/purchases",
            json: """{"organizerEmail":"not-an-email","amount":12.5,"currency":"EUR","cart":[]}""");
        Assert.Equal(400, invalid.Status);
        Assert.Equal("validation_error", JsonDocument.Parse(invalid.Body).RootElement.GetProperty("code").GetString());
        Assert.Equal(400, (await SameAsync(c => _purchases.CreatePurchase(c, _client), HttpMethod.Post, "/api/purchases", json: "{not json")).Status);
    }

    [Fact]
    public async Task ReadsOfAPurchaseAreTheSame()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_f.Service, pledgers: 2);
        var id = purchase.GetProperty("id").GetString()!;
        Assert.Equal(200, (await SameAsync(_purchases.GetPurchase, HttpMethod.Get, $"/api/purchases/{id}")).Status);
        Assert.Equal(200, (await SameAsync(_purchases.GetPurchaseStatus, HttpMethod.Get, $"/api/purchases/{id}/status")).Status);
        Assert.Equal(200, (await SameAsync(_purchases.ListPurchases, HttpMethod.Get,
            $"/api/purchases?organizerEmail={Uri.EscapeDataString(purchase.GetProperty("organizerEmail").GetString()!)}&limit=5")).Status);
        Assert.Equal(200, (await SameAsync(_events.ListPurchaseEvents, HttpMethod.Get, $"/api/purchases/{id}/events")).Status);
        // Another merchant's purchase is a 404 on both.
        Assert.Equal(404, (await SameAsync(_purchases.GetPurchase, HttpMethod.Get, $"/api/purchases/{id}", apiKey: TestService.OtherMerchantKey)).Status);

        var organizerToken = TestPurchases.OrganizerToken(purchase);
        var shareToken = ShareToken(pledge, 1);
        Assert.Equal(200, (await SameAsync(_checkout.GetCheckout, HttpMethod.Get, $"/api/checkout/{organizerToken}", apiKey: null)).Status);
        Assert.Equal(404, (await SameAsync(_checkout.GetCheckout, HttpMethod.Get, "/api/checkout/unknown-token", apiKey: null)).Status);
        Assert.Equal(200, (await SameAsync(_shares.GetShare, HttpMethod.Get, $"/api/shares/{shareToken}", apiKey: null)).Status);
        var paid = await SameAsync(c => _shares.PayShare(c, _client), HttpMethod.Post, $"/api/shares/{shareToken}/pay", apiKey: null,
            json: """{"card":{"number":"4242424242424241","expMonth":12,"expYear":2030,"cvc":"123"}}""");
        Assert.Equal(400, paid.Status);
        var pledged = await SameAsync(c => _checkout.Pledge(c, _client), HttpMethod.Post, $"/api/checkout/{organizerToken}/pledge", apiKey: null,
            json: """{"pledgers":[],"card":null}""");
        Assert.Equal(400, pledged.Status);
    }

    [Fact]
    public async Task PagesHealthAndTheOpenApiDocumentAreTheSame()
    {
        var purchase = await TestPurchases.CreateAsync(_f.Service.Client());
        var page = await SameAsync(_pages.OrganizerPage, HttpMethod.Get, $"/pay/{TestPurchases.OrganizerToken(purchase)}", apiKey: null);
        Assert.Equal(200, page.Status);
        Assert.Equal("DENY", page.Headers["x-frame-options"]);
        Assert.Equal(404, (await SameAsync(_pages.SharePage, HttpMethod.Get, "/pay/share/unknown-token", apiKey: null)).Status);
        Assert.Equal(200, (await SameAsync(_pages.PageAsset, HttpMethod.Get, "/pay/assets/app.css", apiKey: null)).Status);
        Assert.Equal(404, (await SameAsync(_pages.PageAsset, HttpMethod.Get, "/pay/assets/missing.css", apiKey: null)).Status);
        Assert.Equal(200, (await SameAsync(_operations.GetHealth, HttpMethod.Get, "/api/health", apiKey: null)).Status);
        Assert.Equal(200, (await SameAsync(_operations.OpenApiDocument, HttpMethod.Get, "/openapi/v1.json", apiKey: null)).Status);
        Assert.Equal(302, (await SameAsync(_operations.Docs, HttpMethod.Get, "/docs", apiKey: null)).Status);
        Assert.Equal(200, (await SameAsync(_operations.Docs, HttpMethod.Get, "/docs/", apiKey: null)).Status);
        Assert.Equal(200, (await SameAsync(_operations.Docs, HttpMethod.Get, "/docs/scalar.js", apiKey: null)).Status);
    }

    /// <summary>A create through the function is stored like one through the route: the standalone
    /// route replays it for the same Idempotency-Key, byte for byte.</summary>
    [Fact]
    public async Task ACreateThroughTheFunctionIsReplayedByTheStandaloneRoute()
    {
        var key = "fn-" + Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(TestPurchases.Body(), JsonSerializerOptions.Web);
        var viaFunction = await _f.Invoker.InvokeAsync(c => _purchases.CreatePurchase(c, _client), HttpMethod.Post, "/api/purchases",
            TestService.MerchantKey, body, headers: new() { ["Idempotency-Key"] = key });
        Assert.Equal(201, viaFunction.Status);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = Http.Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        var viaRoute = await Answer.FromAsync(await _f.Service.Client().SendAsync(request));
        AssertSame(viaRoute, viaFunction);
    }

    [Fact]
    public async Task AFunctionHandsItsBoundDurableClientToTheHandlers()
    {
        DurableTaskClient? seen = null;
        await _f.Invoker.InvokeAsync(c => _purchases.CancelPurchase(c, _client), HttpMethod.Post,
            "/api/purchases/pur_00000000000000000000000000000000/cancel", TestService.MerchantKey, "{}",
            inspectScope: scope => seen = scope.GetRequiredService<DurableClientAccessor>().Client);
        Assert.Same(_client, seen);
    }

    [Fact]
    public void EveryNamedEndpointHasAFunctionOfTheSameName()
    {
        var functions = typeof(FunctionEndpoints).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false)
                .Cast<Microsoft.Azure.Functions.Worker.FunctionAttribute>().FirstOrDefault()?.Name)
            .OfType<string>().ToHashSet();
        Assert.DoesNotContain(_f.Endpoints.Names, n => !functions.Contains(n));
    }

    private Task<Answer> SameAsync(Func<HttpRequest, Task<IResult>> function, HttpMethod method, string pathAndQuery,
        string? apiKey = TestService.MerchantKey, string? json = null) => SameAsync(function, method, pathAndQuery, apiKey, json, _f);

    private static async Task<Answer> SameAsync(Func<HttpRequest, Task<IResult>> function, HttpMethod method, string pathAndQuery,
        string? apiKey, string? json, Fixture f)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (json is not null) request.Content = Http.Json(json);
        if (apiKey is not null) request.Headers.Authorization = new("Bearer", apiKey);
        // Redirects are answers too (Scalar's /docs → /docs/): compare them, do not follow them.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = f.Service.BaseAddress };
        var viaRoute = await Answer.FromAsync(await client.SendAsync(request));
        var viaFunction = await f.Invoker.InvokeAsync(function, method, pathAndQuery, apiKey, json);
        AssertSame(viaRoute, viaFunction);
        return viaFunction;
    }

    private static void AssertSame(Answer expected, Answer actual)
    {
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(expected.Headers.OrderBy(h => h.Key), actual.Headers.OrderBy(h => h.Key));
        Assert.Equal(Comparable(expected), Comparable(actual));
    }

    /// <summary>The body, with the one member that differs by design between two requests: the trace id.</summary>
    private static string Comparable(Answer answer)
    {
        if (answer.ContentType?.Contains("json", StringComparison.Ordinal) != true || answer.Body.Length == 0) return answer.Body;
        var node = JsonNode.Parse(answer.Body);
        if (node is JsonObject o) o.Remove("traceId");
        return node!.ToJsonString();
    }
}
