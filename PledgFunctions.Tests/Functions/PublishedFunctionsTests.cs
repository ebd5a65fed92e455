using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using PledgFunctions.Functions;

namespace PledgFunctions.Tests.Functions;

/// <summary>The functions.metadata the Worker SDK writes (the build output's is the file
/// `publish.sh` ships: PublishTests checks they list the same functions) against the contract: an
/// anonymous httpTrigger per route and method, each the standalone endpoint of the same name and
/// route; the Durable client on the functions that start or signal an orchestration; an
/// orchestrationTrigger / activityTrigger function for every orchestrator and activity class.</summary>
public sealed class PublishedFunctionsTests
{
    /// <summary>The contract's routes (api.md), pages and operations, as the host routes them (no leading slash).</summary>
    private static readonly (string Method, string Route)[] ContractRoutes =
    [
        ("POST", "api/purchases"), ("GET", "api/purchases"), ("GET", "api/purchases/{id}"), ("GET", "api/purchases/{id}/status"),
        ("POST", "api/purchases/{id}/cancel"), ("GET", "api/purchases/{id}/events"), ("POST", "api/events/{eventId}/redeliver"),
        ("GET", "api/checkout/{organizerToken}"), ("POST", "api/checkout/{organizerToken}/pledge"),
        ("GET", "api/shares/{shareToken}"), ("POST", "api/shares/{shareToken}/pay"),
        ("GET", "pay/{organizerToken}"), ("GET", "pay/share/{shareToken}"), ("GET", "pay/assets/{name}"),
        ("GET", "api/health"), ("GET", "openapi/{documentName}.json"), ("GET", "docs/{*path}"),
    ];

    /// <summary>New in contract 1.1; each becomes a required function as soon as its endpoint exists.</summary>
    private static readonly (string Method, string Route)[] ContractRoutesWithTheirEndpoint =
    [
        ("PATCH", "api/purchases/{id}"), ("POST", "api/purchases/{id}/refund"), ("GET", "api/purchases/{id}/payments"),
    ];

    /// <summary>The handlers that start or signal a purchase's orchestration.</summary>
    private static readonly string[] DurableClientFunctions = ["CreatePurchase", "Pledge", "PayShare", "CancelPurchase", "RefundPurchase", "RedeliverEvent"];

    private static readonly IReadOnlyList<Function> Functions = Read();
    private static readonly IReadOnlyList<RouteEndpoint> StandaloneEndpoints = ReadStandaloneEndpoints();

    [Fact]
    public void EveryContractRouteIsAnAnonymousHttpTrigger()
    {
        var missing = ContractRoutes
            .Concat(ContractRoutesWithTheirEndpoint.Where(r => StandaloneEndpoints.Any(e => Serves(e, r.Method, r.Route))))
            .Where(r => !Functions.Any(f => f.Http is { } http && http.Route == r.Route && http.Methods.Contains(r.Method)))
            .ToList();
        Assert.Empty(missing);
        foreach (var function in Functions.Where(f => f.Http is not null))
        {
            Assert.Equal("Anonymous", function.Http!.AuthLevel);
            Assert.Contains(function.Bindings, b => b.Type == "http" && b.Direction == "Out" && b.Name == "$return");
        }
    }

    [Fact]
    public void EveryStandaloneRouteIsAFunctionAndEveryHttpFunctionIsAStandaloneRoute()
    {
        foreach (var endpoint in StandaloneEndpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.True(Functions.Any(f => f.Http is { } http && methods.All(http.Methods.Contains) && Covers(http.Route, endpoint)),
                $"no httpTrigger function serves {string.Join(",", methods)} {endpoint.RoutePattern.RawText}");
        }
        foreach (var function in Functions.Where(f => f.Http is not null && f.Name != nameof(UnmatchedFunction.Unmatched)))
        {
            // A named endpoint: the function of that name has the endpoint's route.
            var named = StandaloneEndpoints.FirstOrDefault(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == function.Name);
            if (named is not null) Assert.Equal(Normalize(named.RoutePattern.RawText), function.Http!.Route);
            else Assert.Contains(StandaloneEndpoints, e => Covers(function.Http!.Route, e));
        }
    }

    [Fact]
    public void TheRequestsNoRouteTakesGoToTheCatchAllOfEveryMethod()
    {
        var unmatched = Assert.Single(Functions, f => f.Name == nameof(UnmatchedFunction.Unmatched)).Http!;
        Assert.Equal("{*path}", unmatched.Route);
        Assert.Empty(unmatched.Methods);
    }

    [Fact]
    public void TheFunctionsThatStartOrSignalAnOrchestrationBindTheDurableClient()
    {
        foreach (var function in Functions.Where(f => f.Http is not null))
            Assert.True(DurableClientFunctions.Contains(function.Name) == function.Bindings.Any(b => b.Type == "durableClient"),
                $"{function.Name}: durableClient binding expected only on {string.Join(", ", DurableClientFunctions)}");
    }

    [Fact]
    public void EveryOrchestratorAndActivityClassIsAFunctionWithItsTrigger()
    {
        var types = typeof(FunctionEndpoints).Assembly.GetTypes().Where(t => t is { IsPublic: true, IsAbstract: false }).ToList();
        foreach (var (open, trigger) in new[] { (typeof(TaskOrchestrator<,>), "orchestrationTrigger"), (typeof(TaskActivity<,>), "activityTrigger") })
        foreach (var type in types.Where(t => Derives(t, open)))
            Assert.True(Functions.Any(f => f.Name == type.Name && f.Bindings.Any(b => b.Type == trigger && b.Direction == "In")),
                $"{type.Name} has no function of that name with an {trigger}");
        // Every function is an HTTP route, a Durable trigger or one of the scheduled jobs: nothing left from the custom handler.
        Assert.All(Functions, f => Assert.True(
            f.Bindings.Any(b => b.Type is "httpTrigger" or "orchestrationTrigger" or "activityTrigger" or "entityTrigger") || ScheduledFunctions.Contains(f.Name),
            $"{f.Name} is neither a route, a Durable trigger nor a scheduled job"));
        Assert.Equal(Functions.Count, Functions.Select(f => f.Name).Distinct().Count());
    }

    /// <summary>Scheduled housekeeping: the purge of ended orchestrations and the sweep for money
    /// they stranded, each with the Durable client it works through; the deletion of expired
    /// idempotency keys, which needs none.</summary>
    private static readonly string[] DurableScheduledFunctions = [nameof(MaintenanceFunctions.PurgeFinishedInstances), nameof(MaintenanceFunctions.SweepStrandedMoney)];

    private static readonly string[] ScheduledFunctions = [.. DurableScheduledFunctions, nameof(MaintenanceFunctions.DeleteExpiredIdempotencyKeys)];

    [Fact]
    public void TheHistoryPurgeAndTheStrandedMoneySweepAreTimerFunctionsWithTheDurableClient()
    {
        foreach (var name in DurableScheduledFunctions)
        {
            var scheduled = Assert.Single(Functions, f => f.Name == name);
            Assert.Contains(scheduled.Bindings, b => b.Type == "timerTrigger" && b.Direction == "In");
            Assert.Contains(scheduled.Bindings, b => b.Type == "durableClient");
        }
        Assert.All(Functions.Where(f => f.Bindings.Any(b => b.Type == "timerTrigger")), f => Assert.Contains(f.Name, ScheduledFunctions));
    }

    private static bool Derives(Type type, Type open)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == open) return true;
        return false;
    }

    private static bool Serves(RouteEndpoint endpoint, string method, string route) =>
        Normalize(endpoint.RoutePattern.RawText) == route
        && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true;

    /// <summary>Equal routes, or a catch-all function route (<c>docs/{*path}</c>) over a library's group of routes.</summary>
    private static bool Covers(string functionRoute, RouteEndpoint endpoint)
    {
        var route = Normalize(endpoint.RoutePattern.RawText);
        if (route == functionRoute) return true;
        var catchAll = functionRoute.IndexOf("/{*", StringComparison.Ordinal);
        return catchAll > 0 && (route + "/").StartsWith(functionRoute[..(catchAll + 1)], StringComparison.Ordinal);
    }

    private static string Normalize(string? raw) => (raw ?? "").Trim('/');

    /// <summary>The standalone app's routes, as it maps them (built, not started: no storage needed).</summary>
    private static List<RouteEndpoint> ReadStandaloneEndpoints()
    {
        var app = PledgApp.Build(["--environment", "Testing"], builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        ((IDisposable)app).Dispose();
        Assert.NotEmpty(endpoints);
        return endpoints;
    }

    private sealed record Binding(string Name, string Type, string Direction);

    private sealed record HttpTrigger(string Route, string AuthLevel, string[] Methods);

    private sealed record Function(string Name, IReadOnlyList<Binding> Bindings, HttpTrigger? Http);

    private static List<Function> Read()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"the build writes {path}");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(f =>
        {
            var bindings = f.GetProperty("bindings").EnumerateArray().ToList();
            var http = bindings.Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .Select(b => new HttpTrigger(b.GetProperty("route").GetString()!, b.GetProperty("authLevel").GetString()!,
                    // No methods: the host takes every method (the catch-all).
                    b.TryGetProperty("methods", out var methods) ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray() : []))
                .SingleOrDefault();
            return new Function(f.GetProperty("name").GetString()!,
                bindings.Select(b => new Binding(b.GetProperty("name").GetString()!, b.GetProperty("type").GetString()!,
                    b.GetProperty("direction").GetString()!)).ToList(), http);
        }).ToList();
    }
}
