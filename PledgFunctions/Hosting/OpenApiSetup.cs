using Microsoft.AspNetCore.OpenApi;
using PledgFunctions.OpenApi;

namespace PledgFunctions.Hosting;

/// <summary>Two OpenAPI documents (contract 1.2), each the generated description of its routes
/// corrected and completed by the rules in the OpenApi/ folder: <c>/openapi/v1.json</c>, the merchant
/// API and its webhooks (what a merchant's SDK is generated from), and <c>/openapi/pages.json</c>, the
/// hosted-page API the service's own pages call (no merchant key: the token in the path is the
/// credential), kept out of the merchant's SDK.</summary>
public static class OpenApiSetup
{
    /// <summary>The name of the /openapi/{documentName}.json endpoint (and of its function under the host).</summary>
    public const string DocumentEndpoint = "OpenApiDocument";

    public const string MerchantDocument = "v1";
    public const string PagesDocument = "pages";

    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi(MerchantDocument, options => Configure(options, description => !HostedPages.Describes(description)));
        services.AddOpenApi(PagesDocument, options => Configure(options, HostedPages.Describes));
        return services;
    }

    private static void Configure(OpenApiOptions options, Func<Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription, bool> include)
    {
        options.ShouldInclude = include;
        options.CreateSchemaReferenceId = type =>
            OpenApiOptions.CreateDefaultSchemaReferenceId(type) is { } id ? ContractSchemas.ComponentNames.GetValueOrDefault(id, id) : null;
        options.AddSchemaTransformer<DateTimeSchemas>();
        options.AddOperationTransformer<OperationRules>();
        options.AddOperationTransformer<Examples>();
        options.AddDocumentTransformer<DocumentInfo>();
        options.AddDocumentTransformer<SchemaRules>();
        options.AddDocumentTransformer<ExampleFitting>();
    }
}
