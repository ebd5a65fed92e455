using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;
using PledgFunctions.Functions;
using PledgFunctions.Lifecycle;

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
        var invoker = new FunctionInvoker(worker.Services, new Uri("http://127.0.0.1:7071"));
        async Task<HashSet<string>> PathsAsync(string url)
        {
            var answer = await invoker.InvokeAsync(functions.OpenApiDocument, HttpMethod.Get, url);
            Assert.Equal(200, answer.Status);
            using var document = JsonDocument.Parse(answer.Body);
            return document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        }
        Assert.Superset(new HashSet<string>
        {
            "/api/purchases", "/api/purchases/{id}", "/api/purchases/{id}/status", "/api/purchases/{id}/cancel", "/api/health",
        }, await PathsAsync("/openapi/v1.json"));
        // The hosted-page API in its own document (contract 1.2), served by the same function.
        Assert.Equal(new HashSet<string>
        {
            "/api/checkout/{organizerToken}", "/api/checkout/{organizerToken}/pledge", "/api/shares/{shareToken}", "/api/shares/{shareToken}/pay",
        }, await PathsAsync("/openapi/pages.json"));
    }

    /// <summary>The services that start or signal orchestrations are per invocation and get the
    /// client the invocation's binding gave; two invocations never share one.</summary>
    [Fact]
    public void EachInvocationsSignalsUseItsOwnBoundClient()
    {
        using var worker = BuildWorker();
        DurableTaskClient ClientOf(IServiceScope scope, DurableTaskClient bound)
        {
            scope.ServiceProvider.GetRequiredService<DurableClientAccessor>().Client = bound;
            Assert.NotNull(scope.ServiceProvider.GetRequiredService<LifecycleSignals>());
            return scope.ServiceProvider.GetRequiredService<IDurableClientSource>().Client;
        }
        using var first = worker.Services.CreateScope();
        using var second = worker.Services.CreateScope();
        var a = Unconnected("a");
        var b = Unconnected("b");
        Assert.Same(a, ClientOf(first, a));
        Assert.Same(b, ClientOf(second, b));
        using var unbound = worker.Services.CreateScope();
        Assert.Throws<InvalidOperationException>(() => unbound.ServiceProvider.GetRequiredService<IDurableClientSource>().Client);
    }

    private static DurableTaskClient Unconnected(string name) => new GrpcDurableTaskClient(name,
        new GrpcDurableTaskClientOptions { Channel = GrpcChannel.ForAddress("http://127.0.0.1:9") }, NullLogger.Instance);
}
