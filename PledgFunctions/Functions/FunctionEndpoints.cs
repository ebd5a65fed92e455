using Microsoft.DurableTask.Client;

namespace PledgFunctions.Functions;

/// <summary>Runs an HTTP-triggered function as the standalone host runs the same request: the
/// endpoints of <see cref="PledgApp.MapPledgEndpoints"/>, matched by ASP.NET Core's endpoint routing
/// and run behind <see cref="PledgApp.UsePledgMiddleware"/> (problem+json errors, authentication, rate
/// limits, authorization), all built once over the worker's services. A function only names the
/// endpoint its route is for; what the request gets is, by construction, what the standalone gives.</summary>
public sealed class FunctionEndpoints
{
    private readonly Lazy<RequestDelegate> _pipeline;
    private readonly HashSet<string> _names;

    public FunctionEndpoints(IServiceProvider services)
    {
        var routes = new EndpointCollection(services);
        routes.MapPledgEndpoints();
        DataSource = new CompositeEndpointDataSource(routes.DataSources);
        _names = DataSource.Endpoints.Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).OfType<string>().ToHashSet();

        // Built at the first request, not here: the authorization middleware reads the app's
        // EndpointDataSource, which under the worker is this class's DataSource.
        _pipeline = new Lazy<RequestDelegate>(() =>
        {
            var app = new ApplicationBuilder(services);
            // What a WebApplication puts around the standalone's middleware: routing first, the endpoint
            // last. The real matcher, not a template match: it also applies the route constraints and the
            // policies that answer 405 (no endpoint for this method) and 415 (a body that is not JSON) on
            // a path an endpoint's template does match. No endpoint at all: the builder's end answers 404.
            app.UseRouting();
            app.UsePledgMiddleware();
            app.UseEndpoints(endpoints => { foreach (var source in routes.DataSources) endpoints.DataSources.Add(source); });
            return app.Build();
        });
    }

    /// <summary>The endpoints the functions run, for the OpenAPI document.</summary>
    public EndpointDataSource DataSource { get; }

    /// <summary>Runs the request through routing and the endpoint it matches, and writes its answer
    /// to the request's response. <paramref name="name"/>: the endpoint the function's route is for
    /// (the host chose the function by its template; routing matches again, so a value the endpoint's
    /// constraints refuse gets the standalone's answer). <paramref name="durableClient"/>: the client
    /// the function's <c>[DurableClient]</c> binding gave, for the handlers that start or signal an
    /// orchestration.</summary>
    public Task<IResult> RunAsync(HttpRequest request, string name, DurableTaskClient? durableClient = null)
    {
        if (!_names.Contains(name)) throw new ArgumentException($"No endpoint is named '{name}'.", nameof(name));
        if (durableClient is not null && request.HttpContext.RequestServices.GetService<DurableClientAccessor>() is { } accessor)
            accessor.Client = durableClient;
        return RunAsync(request);
    }

    /// <summary>Runs whichever endpoint routing matches, or answers as the standalone does when none
    /// does (404, 405, 415 problems): for Scalar's unnamed routes under /docs and for the requests no
    /// other function's route takes (<see cref="UnmatchedFunction"/>).</summary>
    public async Task<IResult> RunAsync(HttpRequest request)
    {
        // The worker's own routing chose the function; ours must match afresh (it skips a set endpoint).
        request.HttpContext.SetEndpoint(null);
        await _pipeline.Value(request.HttpContext);
        // The response is written; nothing is left for the worker to execute.
        return Results.Empty;
    }

    /// <summary>The route builder the endpoints are mapped on: like a WebApplication's, without a server.</summary>
    private sealed class EndpointCollection(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;
        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }
}
