using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using static PledgFunctions.OpenApi.SchemaBuilders;

namespace PledgFunctions.OpenApi;

/// <summary>The RFC 9457 body of every error (see Errors/ApiProblem.cs): always status, title,
/// detail and a <c>code</c> from the contract; <c>errors</c> maps a field to its messages.</summary>
internal static class ProblemSchema
{
    public static OpenApiSchema Build(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem: `code` says what went wrong; validation errors add `errors`.",
        Required = new HashSet<string> { "status", "title", "detail", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = String(2048, "A URI reference naming the problem type.", "uri-reference"),
            ["title"] = String(200, "A short, human-readable summary."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599" },
            // Kiota uses this property as the exception's message.
            ["detail"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, MaxLength = 4096, Description = "What happened, for a person.",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-ms-primary-error-message"] = new JsonNodeExtension(JsonValue.Create(true)) },
            },
            ["instance"] = String(2048, "The request this problem is about."),
            ["code"] = new OpenApiSchemaReference("ProblemCode", document),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation errors: a field path (`cart[0].unitAmount`, `card.number`) to its messages.",
                MaxProperties = 200,
                AdditionalProperties = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array, MaxItems = 20, Items = String(1024),
                },
            },
            ["traceId"] = String(128, "The request's trace id, to quote when asking for support."),
        },
    };
}
