using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>The <c>webhooks</c> section: what the service POSTs to a purchase's notificationUrl,
/// signed with the merchant's webhook secret (docs/webhooks.md). Each type has a schema of its own
/// (the envelope <c>PurchaseEvent</c> with its <c>type</c> fixed) and an example; <c>EventType</c> is
/// an open set, so a client reading a type it does not know keeps working.</summary>
internal static class WebhookEvents
{
    public static readonly string[] Types = ["purchase.succeeded", "purchase.failed", "purchase.refunded", "purchase.pledged", "share.paid"];

    private static readonly Dictionary<string, (string Schema, string Summary)> ByType = new()
    {
        ["purchase.succeeded"] = ("PurchaseSucceededEvent", "Every share is paid: the purchase is SUCCESSFULL"),
        ["purchase.failed"] = ("PurchaseFailedEvent", "The purchase FAILED (deadline passed or cancelled); every payment is refunded"),
        ["purchase.refunded"] = ("PurchaseRefundedEvent", "A merchant refund has completed: every refund is made"),
        ["purchase.pledged"] = ("PurchasePledgedEvent", "The organizer paid the whole cart and named the pledgers"),
        ["share.paid"] = ("SharePaidEvent", "A pledger paid its share; the event adds the share beside the purchase"),
    };

    public const string EventTypeDescription =
        "The kind of notification. An open set: new types may be added without a new API version, and a receiver ignores " +
        "(answers 2xx to) types it does not know. Known today: `purchase.succeeded`, `purchase.failed`, `purchase.refunded`, " +
        "`purchase.pledged` (1.2) and `share.paid` (1.2).";

    /// <summary>A string with the known values as <c>x-extensible-enum</c>, not <c>enum</c>: generators make a closed enum of <c>enum</c>.</summary>
    public static OpenApiSchema EventType() => new()
    {
        Type = JsonSchemaType.String,
        Description = EventTypeDescription,
        MaxLength = 64,
        Pattern = "^[a-z]+(\\.[a-z_]+)+$",
        Examples = [JsonValue.Create("purchase.succeeded")],
        Extensions = new Dictionary<string, IOpenApiExtension>
        {
            ["x-extensible-enum"] = new JsonNodeExtension(new JsonArray([.. Types.Select(t => (JsonNode)JsonValue.Create(t))])),
        },
    };

    public static OpenApiSchema EventSchema(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "A notification: the envelope of every event type. Delivery is at least once: the same `id` on every attempt " +
                      "lets the receiver drop duplicates. Events of one purchase may arrive in any order; `createdAt` orders them.",
        Required = new HashSet<string> { "id", "type", "createdAt", "data" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["id"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, MaxLength = 52, Pattern = "^evt_[0-9a-f]{48}$",
                Description = "The event's id: the same on every delivery attempt of this event.",
            },
            ["type"] = new OpenApiSchemaReference("EventType", document),
            ["createdAt"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Format = "date-time", MaxLength = DateTimeSchemas.MaxLength,
                Description = "When the event happened (ISO 8601 UTC); orders the events of one purchase.",
            },
            ["data"] = new OpenApiSchemaReference("Purchase", document) { Description = "The purchase as it was when the event happened." },
            ["share"] = new OpenApiSchemaReference("PaidShare", document) { Description = "`share.paid` only: the share that was paid." },
        },
        Examples = [SchemaExamples.Node("PurchaseEvent")!],
    };

    public static OpenApiSchema PaidShareSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "The share a `share.paid` event is about.",
        Required = new HashSet<string> { "email", "amount" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["email"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "email", MaxLength = 254, Description = "The pledger who paid." },
            ["amount"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1", Maximum = "100000000",
                Description = "The share's amount, in the purchase currency's minor unit.",
            },
        },
        Examples = [SchemaExamples.Node("PaidShare")!],
    };

    /// <summary>One schema per event type: the envelope with <c>type</c> fixed (and <c>share</c> required for share.paid).</summary>
    public static IEnumerable<(string Name, IOpenApiSchema Schema)> TypedSchemas(OpenApiDocument document) => Types.Select(type =>
    {
        var (name, summary) = ByType[type];
        var fixedType = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string>(type == "share.paid" ? ["type", "share"] : ["type"]),
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Const = type, Enum = [JsonValue.Create(type)], Description = $"Always `{type}`.",
                },
            },
        };
        return (name, (IOpenApiSchema)new OpenApiSchema
        {
            Description = $"`{type}`: {summary}.",
            AllOf = [new OpenApiSchemaReference("PurchaseEvent", document), fixedType],
            Examples = [SchemaExamples.EventExample(type)],
        });
    });

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
        Summary = ByType[type].Summary,
        Description = $"POSTed to the purchase's notificationUrl with `type: \"{type}\"`. Verify `Pledg-Signature` over the raw body " +
                      "before trusting it (the SDKs' webhook helpers do, with a 5 minute tolerance on `t`). Any answer other than 2xx, " +
                      "or none within 10 s, is retried with growing delays for at least 24 h; the `id` stays the same.",
        Tags = new HashSet<OpenApiTagReference> { new("Events", document) },
        Security = [],
        Parameters =
        [
            new OpenApiParameter
            {
                Name = "Pledg-Signature", In = ParameterLocation.Header, Required = true,
                Description = "`t=<unix seconds>,v1=<lowercase hex HMAC-SHA256 of \"<t>.<raw body>\" keyed with the merchant's webhook secret>`. " +
                              "Refuse a `t` more than 5 minutes from your clock (a replayed delivery).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^t=[0-9]+,v1=[0-9a-f]{64}$" },
                Example = JsonValue.Create("t=1795370405,v1=25d77acba0a6a0dc3b3444ea7414fbf21a9242517b8e7cd2fe30524c0cd209c5"),
            },
        ],
        RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"The `{type}` event.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchemaReference(ByType[type].Schema, document),
                    Example = SchemaExamples.EventExample(type),
                },
            },
        },
        Responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse { Description = "Received (any 2xx): the event is not sent again." },
            ["400"] = new OpenApiResponse { Description = "Refused (any other answer, or none within 10 s): the event is sent again later." },
            ["default"] = new OpenApiResponse { Description = "Any other answer is a refusal too: the event is sent again later." },
        },
    };
}
