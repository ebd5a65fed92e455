using Microsoft.Azure.Functions.Worker;
using PledgFunctions.Hosting;

namespace PledgFunctions.Functions;

/// <summary>Health and the API reference under the Functions host (Hosting/HealthApi.cs,
/// Hosting/OpenApiSetup.cs, Scalar's page at /docs).</summary>
public sealed class OperationsFunctions(FunctionEndpoints endpoints)
{
    [Function(nameof(GetHealth))]
    public Task<IResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(GetHealth));

    [Function(OpenApiSetup.DocumentEndpoint)]
    public Task<IResult> OpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/{documentName}.json")] HttpRequest req) =>
        endpoints.RunAsync(req, OpenApiSetup.DocumentEndpoint);

    /// <summary>Scalar's page and the scripts it loads, all under /docs.</summary>
    [Function(nameof(Docs))]
    public Task<IResult> Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{*path}")] HttpRequest req) =>
        endpoints.RunAsync(req);
}
