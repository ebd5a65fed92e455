using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>The <c>webhooks</c> section: what the service POSTs to a purchase's notificationUrl,
/// signed with the merchant's webhook secret (docs/webhooks.md).</summary>
internal static class WebhookEvents
{
    public static readonly string[] Types = ["purchase.succeeded", "purchase.failed", "purchase.refunded"];

    private static readonly Dictionary<string, string> Summaries = new()
    {
        ["purchase.succeeded"] = "Every share is paid: the purchase is SUCCESSFULL",
        ["purchase.failed"] = "The purchase FAILED (deadline passed or cancelled); every payment is refunded",
        ["purchase.refunded"] = "A merchant refund has completed: every refund is made",
    };

    public static OpenApiSchema EventSchema(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "A notification. Delivery is at least once: the same `id` on every attempt lets the receiver drop duplicates.",
        Required = new HashSet<string> { "id", "type", "createdAt", "data" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 52, Pattern = "^evt_[0-9a-f]{48}$" },
            ["type"] = new OpenApiSchemaReference("EventType", document),
            ["createdAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", MaxLength = DateTimeSchemas.MaxLength },
            ["data"] = new OpenApiSchemaReference("Purchase", document),
        },
    };

    public static void AddTo(OpenApiDocument document)
    {
        document.Webhooks = new Dictionary<string, IOpenApiPathItem>();
        foreach (var type in Types)
            document.Webhooks[type] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = Delivery(type, document) },
            };
    }

    private static OpenApiOperation Delivery(string type, OpenApiDocument document) => new()
    {
        OperationId = "On" + string.Concat(type.Split('.', '_').Select(w => char.ToUpperInvariant(w[0]) + w[1..])),
        Summary = Summaries[type],
        Description = $"POSTed to the purchase's notificationUrl with `type: \"{type}\"`. Verify `Pledg-Signature` over the raw body " +
                      "before trusting it. Any answer other than 2xx, or none within 10 s, is retried with growing delays for at least 24 h.",
        Tags = new HashSet<OpenApiTagReference> { new("Events", document) },
        Security = [],
        Parameters =
        [
            new OpenApiParameter
            {
                Name = "Pledg-Signature", In = ParameterLocation.Header, Required = true,
                Description = "`t=<unix seconds>,v1=<lowercase hex HMAC-SHA256 of \"<t>.<raw body>\" keyed with the merchant's webhook secret>`.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^t=[0-9]+,v1=[0-9a-f]{64}$" },
                Example = JsonValue.Create("t=1795370405,v1=25d77acba0a6a0dc3b3444ea7414fbf21a9242517b8e7cd2fe30524c0cd209c5"),
            },
        ],
        RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchemaReference("PurchaseEvent", document) },
            },
        },
        Responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse { Description = "Received (any 2xx): the event is not sent again." },
            ["400"] = new OpenApiResponse { Description = "Refused (any other answer, or none within 10 s): the event is sent again later." },
        },
    };
}
