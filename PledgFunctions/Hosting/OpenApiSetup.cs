using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace PledgFunctions.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json: titles, the merchant Bearer scheme, and a
/// request and response example for each call a merchant or page makes.</summary>
public static class OpenApiSetup
{
    /// <summary>The name of the /openapi/v1.json endpoint (and of its function under the host).</summary>
    public const string DocumentEndpoint = "OpenApiDocument";

    private static readonly Dictionary<string, (string? Request, string? Response)> Examples = new()
    {
        ["CreatePurchase"] = ("""
            {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR",
             "cart":[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}],
             "reference":"order-123","notificationUrl":"https://merchant.example/pledg-events"}
            """, PurchaseExample),
        ["GetPurchase"] = (null, PurchaseExample),
        ["CancelPurchase"] = ("""{"reason":"customer changed their mind"}""", null),
        ["Pledge"] = ("""
            {"pledgers":[{"email":"bob@example.com"},{"email":"carol@example.com"}],
             "card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}
            """, """
            {"state":"INITIALIZED","deadline":"2026-11-24T18:00:00Z","shares":[
              {"email":"alice@example.com","amount":4000,"state":"SUCCESSFULL","shareUrl":null},
              {"email":"bob@example.com","amount":4000,"state":"INITIALIZED","shareUrl":"http://localhost:7071/pay/share/AbC..."},
              {"email":"carol@example.com","amount":4000,"state":"INITIALIZED","shareUrl":"http://localhost:7071/pay/share/XyZ..."}]}
            """),
        ["PayShare"] = ("""{"card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}""",
            """{"state":"SUCCESSFULL","purchaseState":"INITIALIZED"}"""),
    };

    private const string PurchaseExample = """
        {"id":"pur_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f","state":"INITIALIZED",
         "paymentUrl":"http://localhost:7071/pay/n2PB0Ot6THs...","organizerEmail":"alice@example.com","pledgerEmails":[],
         "amount":12000,"currency":"EUR","cart":[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}],
         "reference":"order-123","createdAt":"2026-11-22T18:00:00Z","deadline":"2026-11-24T18:00:00Z","completedAt":null,"failureReason":null}
        """;

    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Pledg Functions";
                document.Info.Description = "Split payments: the organizer pays the cart, pledgers reimburse their shares within the payment window. " +
                                            "Errors are RFC 9457 problem+json with a machine-readable `code`.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["merchantApiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The merchant's API key: `Authorization: Bearer <key>`.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                if (context.Description.RelativePath?.StartsWith("api/purchases", StringComparison.Ordinal) == true)
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("merchantApiKey")] = [] }];
                if (name is null || !Examples.TryGetValue(name, out var example)) return Task.CompletedTask;
                if (example.Request is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var request) == true)
                    request.Example = JsonNode.Parse(example.Request);
                if (example.Response is not null && operation.Responses is not null)
                    foreach (var (status, response) in operation.Responses.Where(r => r.Key is "200" or "201"))
                        if (response.Content?.TryGetValue("application/json", out var body) == true) body.Example = JsonNode.Parse(example.Response);
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
