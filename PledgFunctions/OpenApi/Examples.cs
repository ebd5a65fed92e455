using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>A request and response example for each call a merchant or page makes, by operation id;
/// each is valid against its schema (the lint checks it).</summary>
internal sealed class Examples : IOpenApiOperationTransformer
{
    private const string Card = """{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}""";

    private const string Purchase = """
        {"id":"pur_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f","state":"INITIALIZED",
         "paymentUrl":"http://localhost:7071/pay/n2PB0Ot6THs","organizerEmail":"alice@example.com","pledgerEmails":[],
         "amount":12000,"currency":"EUR","cart":[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}],
         "reference":"order-123","createdAt":"2026-11-22T18:00:00Z","deadline":"2026-11-24T18:00:00Z","completedAt":null,"failureReason":null,
         "collectedAmount":0,"refundStatus":null}
        """;

    private static readonly Dictionary<string, (string? Request, string? Response)> ByOperation = new()
    {
        ["CreatePurchase"] = ("""
            {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR",
             "cart":[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}],
             "reference":"order-123","notificationUrl":"https://merchant.example/pledg-events"}
            """, Purchase),
        ["GetPurchase"] = (null, Purchase),
        ["CancelPurchase"] = ("""{"reason":"customer changed their mind"}""", null),
        ["Pledge"] = ($$"""
            {"pledgers":[{"email":"bob@example.com"},{"email":"carol@example.com"}],"card":{{Card}}}
            """, """
            {"state":"INITIALIZED","deadline":"2026-11-24T18:00:00Z","shares":[
              {"email":"alice@example.com","amount":4000,"state":"SUCCESSFULL","shareUrl":null},
              {"email":"bob@example.com","amount":4000,"state":"INITIALIZED","shareUrl":"http://localhost:7071/pay/share/AbC"},
              {"email":"carol@example.com","amount":4000,"state":"INITIALIZED","shareUrl":"http://localhost:7071/pay/share/XyZ"}]}
            """),
        ["PayShare"] = ($$"""{"card":{{Card}}}""", """{"state":"SUCCESSFULL","purchaseState":"INITIALIZED"}"""),
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId is not { } id || !ByOperation.TryGetValue(id, out var example)) return Task.CompletedTask;
        if (example.Request is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var request) == true)
            request.Example = JsonNode.Parse(example.Request);
        if (example.Response is not null)
            foreach (var (_, response) in operation.Responses?.Where(r => r.Key is "200" or "201") ?? [])
                if (response.Content?.TryGetValue("application/json", out var body) == true) body.Example = JsonNode.Parse(example.Response);
        return Task.CompletedTask;
    }
}
