using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.OpenApi;

/// <summary>What issue 14 found wrong in /openapi/v1.json, checked against the served document.</summary>
public sealed class OpenApiContractTests(OpenApiContractTests.Fixture fixture) : IClassFixture<OpenApiContractTests.Fixture>
{
    public sealed class Fixture : ServiceFixture
    {
        public const string PublicBaseUrl = "https://pay.example.com";

        protected override void Configure(Dictionary<string, string?> settings) => settings["Pledg:PublicBaseUrl"] = PublicBaseUrl;
    }

    private static readonly string[] MerchantOperations =
    [
        "post /api/purchases", "get /api/purchases", "get /api/purchases/{id}", "get /api/purchases/{id}/status",
        "post /api/purchases/{id}/cancel", "get /api/purchases/{id}/events", "post /api/events/{eventId}/redeliver",
    ];

    private static readonly string[] AnonymousOperations =
    [
        "get /api/checkout/{organizerToken}", "post /api/checkout/{organizerToken}/pledge",
        "get /api/shares/{shareToken}", "post /api/shares/{shareToken}/pay", "get /api/health",
    ];

    private async Task<JsonNode> DocumentAsync(string? host = null)
    {
        using var client = fixture.Service.Client(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        if (host is not null) request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static JsonNode Operation(JsonNode document, string operation)
    {
        var (method, path) = (operation.Split(' ')[0], operation.Split(' ')[1]);
        return document["paths"]![path]![method] ?? throw new Xunit.Sdk.XunitException($"{operation} is not in the document");
    }

    private static JsonNode Schema(JsonNode document, string name) => document["components"]!["schemas"]![name]!;

    private static string[] Names(JsonNode? node) => node?.AsArray().Select(n => n!.GetValue<string>()).Order().ToArray() ?? [];

    [Fact]
    public async Task MerchantOperationsRequireTheBearerSchemeAndHostedPagesAreExplicitlyAnonymous()
    {
        var document = await DocumentAsync();
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["merchantApiKey"]!["scheme"]!.GetValue<string>());
        foreach (var operation in MerchantOperations)
        {
            var security = Operation(document, operation)["security"]!.AsArray();
            Assert.True(security.Count == 1 && security[0]!["merchantApiKey"] is not null, $"{operation}: {security.ToJsonString()}");
        }
        foreach (var operation in AnonymousOperations)
            Assert.True(Operation(document, operation)["security"] is JsonArray { Count: 0 }, $"{operation} must say security: []");
    }

    [Fact]
    public async Task RequestBodiesRequireWhatTheContractRequiresAndNothingMore()
    {
        var document = await DocumentAsync();
        Assert.Equal(["amount", "currency", "organizerEmail"], Names(Schema(document, "CreatePurchaseRequest")["required"]));
        Assert.Equal(["email"], Names(Schema(document, "PledgerInput")["required"]));
        Assert.Equal(["card"], Names(Schema(document, "PledgeRequest")["required"]));
        Assert.Empty(Names(Schema(document, "CancelPurchaseRequest")["required"]));
        Assert.NotEqual(true, Operation(document, "post /api/purchases/{id}/cancel")["requestBody"]!["required"]?.GetValue<bool>());
        var amount = Schema(document, "CreatePurchaseRequest")["properties"]!["amount"]!;
        Assert.Equal(("integer", 1, 100_000_000), (amount["type"]!.GetValue<string>(), amount["minimum"]!.GetValue<int>(), amount["maximum"]!.GetValue<int>()));
        Assert.Equal("email", Schema(document, "CreatePurchaseRequest")["properties"]!["organizerEmail"]!["format"]!.GetValue<string>());
        Assert.Equal("uri", Schema(document, "CreatePurchaseRequest")["properties"]!["notificationUrl"]!["format"]!.GetValue<string>());
        Assert.Equal(255, Schema(document, "CreatePurchaseRequest")["properties"]!["reference"]!["maxLength"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("get /api/purchases/{id}", "404")]
    [InlineData("get /api/purchases/{id}/status", "404")]
    [InlineData("post /api/purchases/{id}/cancel", "404 409 422")]
    [InlineData("get /api/purchases", "400")]
    [InlineData("post /api/purchases", "400 409 413 422")]
    [InlineData("post /api/checkout/{organizerToken}/pledge", "400 402 404 409 413")]
    [InlineData("post /api/shares/{shareToken}/pay", "400 402 404 409 413")]
    [InlineData("get /api/health", "503")]
    public async Task EveryStatusARouteAnswersIsAProblemWithACode(string operation, string statuses)
    {
        var document = await DocumentAsync();
        var responses = Operation(document, operation)["responses"]!.AsObject();
        foreach (var status in statuses.Split(' ').Append("429").Append("503"))
        {
            var schema = responses[status]?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
            Assert.True(schema == "#/components/schemas/Problem", $"{operation} {status}: {responses[status]?.ToJsonString()}");
        }
        var problem = Schema(document, "Problem");
        Assert.Equal(["code", "detail", "status", "title"], Names(problem["required"]));
        Assert.Equal("#/components/schemas/ProblemCode", problem["properties"]!["code"]!["$ref"]!.GetValue<string>());
        Assert.Equal("string", problem["properties"]!["errors"]!["additionalProperties"]!["items"]!["type"]!.GetValue<string>());
        var codes = Names(Schema(document, "ProblemCode")["enum"]);
        foreach (var code in new[] { "validation_error", "unauthorized", "card_declined", "not_found", "purchase_not_modifiable", "share_already_paid",
                     "already_refunded", "idempotency_key_in_use", "payload_too_large", "idempotency_key_reused", "rate_limited", "storage_unavailable" })
            Assert.Contains(code, codes);
    }

    [Fact]
    public async Task TimesStatesAndLimitsAreTyped()
    {
        var document = await DocumentAsync();
        var dateTimes = 0;
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        foreach (var (property, value) in schema!["properties"]?.AsObject() ?? [])
            if (value?["format"]?.GetValue<string>() == "date-time")
            {
                dateTimes++;
                Assert.True(value["type"]?.ToJsonString() is "\"string\"" or "[\"string\",\"null\"]" or "[\"null\",\"string\"]", $"{name}.{property}: {value.ToJsonString()}");
            }
        Assert.True(dateTimes >= 13, $"only {dateTimes} date-time fields");
        var purchase = Schema(document, "Purchase")["properties"]!;
        Assert.Equal("#/components/schemas/PurchaseState", purchase["state"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Currency", purchase["currency"]!["$ref"]!.GetValue<string>());
        Assert.Equal(["FAILED", "INITIALIZED", "SUCCESSFULL"], Names(Schema(document, "PurchaseState")["enum"]));
        Assert.Equal(["cancelled", "deadline_expired"], Names(Schema(document, "FailureReason")["enum"]));
        var limit = Operation(document, "get /api/purchases")["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!;
        Assert.Equal(("integer", 1, 100), (limit["type"]!.GetValue<string>(), limit["minimum"]!.GetValue<int>(), limit["maximum"]!.GetValue<int>()));
    }

    [Fact]
    public async Task IdempotencyRateLimitAndLocationHeadersAreDocumented()
    {
        var document = await DocumentAsync();
        foreach (var operation in new[] { "post /api/purchases", "post /api/purchases/{id}/cancel" })
            Assert.Contains(Operation(document, operation)["parameters"]!.AsArray(),
                p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
        var created = Operation(document, "post /api/purchases")["responses"]!["201"]!["headers"]!;
        Assert.NotNull(created["Location"]);
        Assert.NotNull(created["Idempotent-Replayed"]);
        Assert.NotNull(Operation(document, "get /api/purchases/{id}")["responses"]!["429"]!["headers"]!["Retry-After"]);
        Assert.NotNull(Operation(document, "get /api/health")["responses"]!["503"]!["headers"]!["Retry-After"]);
    }

    [Fact]
    public async Task WebhooksDescribeTheThreeEventsAndTheirSignatureHeader()
    {
        var document = await DocumentAsync();
        foreach (var type in new[] { "purchase.succeeded", "purchase.failed", "purchase.refunded" })
        {
            var delivery = document["webhooks"]![type]!["post"]!;
            Assert.Contains(delivery["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Pledg-Signature" && p["required"]!.GetValue<bool>());
            Assert.Equal("#/components/schemas/PurchaseEvent", delivery["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        }
        Assert.Equal("#/components/schemas/Purchase", Schema(document, "PurchaseEvent")["properties"]!["data"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheServerIsTheConfiguredPublicBaseUrlWhateverHostFetchedTheDocument()
    {
        var document = await DocumentAsync(host: "attacker.example");
        Assert.Equal(Fixture.PublicBaseUrl, Assert.Single(document["servers"]!.AsArray())!["url"]!.GetValue<string>());
    }
}
