using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>The response headers of the rate limiter (RateLimiting/RateLimitHeaders.cs) as shared
/// components: <c>RateLimit-Policy</c> and <c>RateLimit</c> on every 2xx and 4xx of a limited route,
/// <c>Retry-After</c> on 429, 503 and 409 <c>idempotency_key_in_use</c>.</summary>
internal static class ResponseHeaders
{
    private static readonly Dictionary<string, OpenApiHeader> Components = new()
    {
        ["RateLimit-Policy"] = new OpenApiHeader
        {
            Description = "The client's quota (IETF httpapi RateLimit draft): `\"client\";q=<requests>;w=<seconds>`, a bucket of q requests that refills in w seconds.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64, Pattern = "^\"client\";q=[0-9]+;w=[0-9]+$" },
            Example = System.Text.Json.Nodes.JsonValue.Create("\"client\";q=400;w=2"),
        },
        ["RateLimit"] = new OpenApiHeader
        {
            Description = "Where the client stands (IETF httpapi RateLimit draft): `\"client\";r=<requests left>;t=<seconds until the bucket is full>`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64, Pattern = "^\"client\";r=[0-9]+;t=[0-9]+$" },
            Example = System.Text.Json.Nodes.JsonValue.Create("\"client\";r=399;t=1"),
        },
        ["Retry-After"] = new OpenApiHeader
        {
            Description = "Seconds to wait before retrying.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = "86400" },
            Example = System.Text.Json.Nodes.JsonValue.Create(1),
        },
    };

    public static void AddRateLimit(OpenApiResponse response, OpenApiDocument document)
    {
        Add(response, "RateLimit-Policy", document);
        Add(response, "RateLimit", document);
    }

    public static void AddRetryAfter(OpenApiResponse response, OpenApiDocument document) => Add(response, "Retry-After", document);

    private static void Add(OpenApiResponse response, string name, OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Headers.TryAdd(name, Components[name]);
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeaderReference(name, document);
    }
}
