using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.OpenApi;

/// <summary>What issues 14 and 30 found wrong in /openapi/v1.json and /openapi/pages.json, checked against the served documents.</summary>
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
        "patch /api/purchases/{id}", "post /api/purchases/{id}/refund", "get /api/purchases/{id}/payments",
    ];

    private static readonly string[] PageOperations =
    [
        "get /api/checkout/{organizerToken}", "post /api/checkout/{organizerToken}/pledge",
        "get /api/shares/{shareToken}", "post /api/shares/{shareToken}/pay",
    ];

    private async Task<JsonNode> DocumentAsync(string? host = null, string name = "v1")
    {
        using var client = fixture.Service.Client(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/openapi/{name}.json");
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
        Assert.True(Operation(document, "get /api/health")["security"] is JsonArray { Count: 0 }, "health must say security: []");
        var pages = await DocumentAsync(name: "pages");
        foreach (var operation in PageOperations)
        {
            Assert.True(Operation(pages, operation)["security"] is JsonArray { Count: 0 }, $"{operation} must say security: []");
            Assert.Null(document["paths"]![operation.Split(' ')[1]]);
        }
        Assert.Null(pages["components"]!["securitySchemes"]);
    }

    [Fact]
    public async Task EveryOperationIsDescribedWithExamplesADefaultProblemAndRateLimitHeaders()
    {
        foreach (var name in new[] { "v1", "pages" })
        {
            var document = await DocumentAsync(name: name);
            foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                var at = $"{name} {method} {path}";
                Assert.False(string.IsNullOrWhiteSpace(operation!["description"]?.GetValue<string>()), $"{at}: no description");
                foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
                    Assert.False(string.IsNullOrWhiteSpace(parameter!["description"]?.GetValue<string>()), $"{at} {parameter["name"]}: no description");
                var responses = operation["responses"]!.AsObject();
                Assert.Equal("#/components/schemas/Problem", responses["default"]?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>());
                foreach (var (status, response) in responses)
                {
                    foreach (var (_, media) in response!["content"]?.AsObject() ?? [])
                        Assert.True(media!["example"] is not null, $"{at} {status}: no example");
                    if (path != "/api/health" && (status.StartsWith('2') || status.StartsWith('4')))
                        Assert.True(response["headers"]?["RateLimit"] is not null && response["headers"]?["RateLimit-Policy"] is not null, $"{at} {status}: no RateLimit headers");
                }
            }
            foreach (var (schema, value) in document["components"]!["schemas"]!.AsObject())
            {
                Assert.True(value!["examples"] is JsonArray { Count: > 0 }, $"{name} {schema}: no example");
                foreach (var (property, definition) in value["properties"]?.AsObject() ?? [])
                    Assert.False(string.IsNullOrWhiteSpace(definition!["description"]?.GetValue<string>()), $"{name} {schema}.{property}: no description");
            }
        }
    }

    [Fact]
    public async Task PagingIsDocumentedAndPatchIsAMergePatch()
    {
        var document = await DocumentAsync();
        foreach (var (operation, limit) in new[] { ("get /api/purchases", 20), ("get /api/purchases/{id}/payments", 100), ("get /api/purchases/{id}/events", 100) })
        {
            var parameters = Operation(document, operation)["parameters"]!.AsArray();
            Assert.Equal(limit, parameters.Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!["default"]!.GetValue<int>());
            Assert.Contains(parameters, p => p!["name"]!.GetValue<string>() == "cursor");
        }
        Assert.Contains("null", Schema(document, "PaymentList")["properties"]!["nextCursor"]!["description"]!.GetValue<string>());
        var patch = Operation(document, "patch /api/purchases/{id}");
        Assert.NotNull(patch["requestBody"]!["content"]!["application/merge-patch+json"]);
        Assert.NotNull(patch["responses"]!["415"]);
        // Nothing in the PATCH body has a default a generated client would send for a field left unset.
        foreach (var (_, property) in Schema(document, "PatchPurchaseRequest")["properties"]!.AsObject())
            Assert.Null(property!["default"]);
        Assert.Empty(Names(Schema(document, "PatchPurchaseRequest")["required"]));
    }

    [Fact]
    public async Task RequestBodiesRequireWhatTheContractRequiresAndNothingMore()
    {
        var document = await DocumentAsync();
        Assert.Equal(["amount", "currency", "organizerEmail"], Names(Schema(document, "CreatePurchaseRequest")["required"]));
        var pages = await DocumentAsync(name: "pages");
        Assert.Equal(["email"], Names(Schema(pages, "PledgerInput")["required"]));
        Assert.Equal(["card"], Names(Schema(pages, "PledgeRequest")["required"]));
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
    [InlineData("patch /api/purchases/{id}", "400 404 409 413 415 422")]
    [InlineData("post /api/checkout/{organizerToken}/pledge", "400 402 404 409 413")]
    [InlineData("post /api/shares/{shareToken}/pay", "400 402 404 409 413")]
    [InlineData("get /api/health", "500")]
    public async Task EveryStatusARouteAnswersIsAProblemWithACode(string operation, string statuses)
    {
        var document = await DocumentAsync(name: PageOperations.Contains(operation) ? "pages" : "v1");
        var responses = Operation(document, operation)["responses"]!.AsObject();
        foreach (var status in statuses.Split(' ').Append(operation.EndsWith("health") ? "503" : "429").Append("503").Append("500"))
        {
            var schema = responses[status]?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
            Assert.True(schema == "#/components/schemas/Problem", $"{operation} {status}: {responses[status]?.ToJsonString()}");
        }
        var problem = Schema(document, "Problem");
        Assert.Equal(["code", "detail", "status", "title"], Names(problem["required"]));
        Assert.Equal("#/components/schemas/ProblemCode", problem["properties"]!["code"]!["$ref"]!.GetValue<string>());
        Assert.Equal("string", problem["properties"]!["errors"]!["additionalProperties"]!["items"]!["type"]!.GetValue<string>());
        var codes = Names(Schema(document, "ProblemCode")["x-extensible-enum"]);
        foreach (var code in new[] { "validation_error", "unauthorized", "card_declined", "not_found", "purchase_not_modifiable", "share_already_paid",
                     "already_refunded", "idempotency_key_in_use", "payload_too_large", "idempotency_key_reused", "rate_limited", "storage_unavailable" })
            Assert.Contains(code, codes);
    }

    [Fact]
    public async Task TimesStatesAndLimitsAreTyped()
    {
        var document = await DocumentAsync();
        var dateTimes = 0;
        var pages = await DocumentAsync(name: "pages");
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject().Concat(pages["components"]!["schemas"]!.AsObject()))
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
    public async Task WebhooksDescribeEachEventTypedWithItsExampleAndTheTypesAreAnOpenSet()
    {
        var document = await DocumentAsync();
        foreach (var type in new[] { "purchase.succeeded", "purchase.failed", "purchase.refunded", "purchase.pledged", "share.paid" })
        {
            var delivery = document["webhooks"]![type]!["post"]!;
            Assert.Contains(delivery["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Pledg-Signature" && p["required"]!.GetValue<bool>());
            var body = delivery["requestBody"]!["content"]!["application/json"]!;
            Assert.Equal(type, body["example"]!["type"]!.GetValue<string>());
            var schema = Schema(document, body["schema"]!["$ref"]!.GetValue<string>().Split('/')[^1]);
            Assert.Equal("#/components/schemas/PurchaseEvent", schema["allOf"]![0]!["$ref"]!.GetValue<string>());
            Assert.Equal(type, schema["allOf"]![1]!["properties"]!["type"]!["const"]!.GetValue<string>());
        }
        Assert.NotNull(document["webhooks"]!["share.paid"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!["share"]);
        Assert.Equal("#/components/schemas/Purchase", Schema(document, "PurchaseEvent")["properties"]!["data"]!["$ref"]!.GetValue<string>());
        // Open sets: a closed enum would make a generated client throw on a type or code added later.
        Assert.Null(Schema(document, "EventType")["enum"]);
        Assert.Null(Schema(document, "ProblemCode")["enum"]);
        Assert.Contains("share.paid", Schema(document, "EventType")["x-extensible-enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task TheServerIsTheConfiguredPublicBaseUrlWhateverHostFetchedTheDocument()
    {
        var document = await DocumentAsync(host: "attacker.example");
        var server = Assert.Single(document["servers"]!.AsArray())!;
        Assert.Equal("https://{host}", server["url"]!.GetValue<string>());
        Assert.Equal(Fixture.PublicBaseUrl, "https://" + server["variables"]!["host"]!["default"]!.GetValue<string>());
        Assert.NotNull(document["info"]!["license"]!["name"]);
        Assert.NotNull(document["info"]!["contact"]!["url"]);
    }
}
