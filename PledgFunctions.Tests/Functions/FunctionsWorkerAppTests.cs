using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PledgFunctions.Functions;

namespace PledgFunctions.Tests.Functions;

/// <summary>The worker as the host would build it (not started: there is no host to dial).</summary>
public sealed class FunctionsWorkerAppTests
{
    private static IHost BuildWorker() => FunctionsWorkerApp.Build(
    [
        "--functions-uri", "http://127.0.0.1:9/", "--functions-worker-id", "w1", "--functions-request-id", "r1",
        "--AzureWebJobsStorage", "UseDevelopmentStorage=true", "--environment", "Testing",
    ]);

    /// <summary>Under the worker the OpenAPI document describes the endpoints the functions run (a
    /// WebApplication would list its own routes; the worker has none of ours).</summary>
    [Fact]
    public async Task TheWorkersOpenApiDocumentDescribesTheFunctionsEndpoints()
    {
        using var worker = BuildWorker();
        var functions = new OperationsFunctions(worker.Services.GetRequiredService<FunctionEndpoints>());
        var answer = await new FunctionInvoker(worker.Services, new Uri("http://127.0.0.1:7071"))
            .InvokeAsync(functions.OpenApiDocument, HttpMethod.Get, "/openapi/v1.json");
        Assert.Equal(200, answer.Status);
        using var document = JsonDocument.Parse(answer.Body);
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "/api/purchases", "/api/purchases/{id}", "/api/purchases/{id}/status", "/api/purchases/{id}/cancel",
            "/api/checkout/{organizerToken}", "/api/checkout/{organizerToken}/pledge", "/api/shares/{shareToken}",
            "/api/shares/{shareToken}/pay", "/api/health",
        }, paths);
    }

    [Fact]
    public void TheWorkersBoundDurableClientIsWhatHandlersGet()
    {
        using var worker = BuildWorker();
        using var scope = worker.Services.CreateScope();
        Assert.Same(scope.ServiceProvider.GetRequiredService<DurableClientAccessor>(),
            scope.ServiceProvider.GetRequiredService<PledgFunctions.Lifecycle.IDurableClientSource>());
    }
}
