using Microsoft.AspNetCore.OpenApi;
using PledgFunctions.OpenApi;

namespace PledgFunctions.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json (contract 1.1): the generated description of
/// the routes, corrected and completed by the rules in the OpenApi/ folder.</summary>
public static class OpenApiSetup
{
    /// <summary>The name of the /openapi/v1.json endpoint (and of its function under the host).</summary>
    public const string DocumentEndpoint = "OpenApiDocument";

    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = type =>
                OpenApiOptions.CreateDefaultSchemaReferenceId(type) is { } id ? ContractSchemas.ComponentNames.GetValueOrDefault(id, id) : null;
            options.AddSchemaTransformer<DateTimeSchemas>();
            options.AddOperationTransformer<OperationRules>();
            options.AddOperationTransformer<Examples>();
            options.AddDocumentTransformer<DocumentInfo>();
            options.AddDocumentTransformer<SchemaRules>();
        });
        return services;
    }
}
