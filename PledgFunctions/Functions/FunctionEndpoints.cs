using Microsoft.AspNetCore.Routing.Template;
using Microsoft.DurableTask.Client;

namespace PledgFunctions.Functions;

/// <summary>Runs an HTTP-triggered function as the standalone host runs the same route: the
/// endpoints of <see cref="PledgApp.MapPledgEndpoints"/>, behind <see cref="PledgApp.UsePledgMiddleware"/>
/// (problem+json errors, authentication, rate limits, authorization), both built once over the
/// worker's services. A function only names its endpoint; what the request gets is, by
/// construction, what the standalone route gives.</summary>
public sealed class FunctionEndpoints
{
    private readonly List<(RouteEndpoint Endpoint, TemplateMatcher Matcher)> _all;
    private readonly Dictionary<string, (RouteEndpoint Endpoint, TemplateMatcher Matcher)> _byName;
    private readonly Lazy<RequestDelegate> _pipeline;

    public FunctionEndpoints(IServiceProvider services)
    {
        var routes = new EndpointCollection(services);
        routes.MapPledgEndpoints();
        DataSource = new CompositeEndpointDataSource(routes.DataSources);
        // Literal segments before parameters, as endpoint routing orders them (/docs/scalar.js before /docs/{documentName?}).
        _all = DataSource.Endpoints.OfType<RouteEndpoint>()
            .OrderBy(e => e.RoutePattern.Parameters.Count)
            .Select(e => (e, new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults))))
            .ToList();
        _byName = _all.Where(e => e.Item1.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Item1.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName);

        // Built at the first request, not here: the authorization middleware reads the app's
        // EndpointDataSource, which under the worker is this class's DataSource.
        _pipeline = new Lazy<RequestDelegate>(() =>
        {
            var app = new ApplicationBuilder(services);
            app.UsePledgMiddleware();
            // What endpoint routing would do last: run the endpoint; none (a path the endpoint's pattern
            // does not match) answers 404, which the error middleware turns into problem+json.
            app.Run(context => context.GetEndpoint()?.RequestDelegate?.Invoke(context) ?? NotFound(context));
            return app.Build();
        });
    }

    /// <summary>The endpoints the functions run, for the OpenAPI document.</summary>
    public EndpointDataSource DataSource { get; }

    /// <summary>The names a function can run: one per public route.</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    public RouteEndpoint Endpoint(string name) =>
        _byName.TryGetValue(name, out var found) ? found.Endpoint : throw new ArgumentException($"No endpoint is named '{name}'.", nameof(name));

    /// <summary>Runs the endpoint named <paramref name="name"/> for this request and writes its
    /// answer to the request's response. <paramref name="durableClient"/>: the client the
    /// function's <c>[DurableClient]</c> binding gave, for the handlers that start or signal an
    /// orchestration.</summary>
    public async Task<IResult> RunAsync(HttpRequest request, string name, DurableTaskClient? durableClient = null)
    {
        if (!_byName.TryGetValue(name, out var named)) throw new ArgumentException($"No endpoint is named '{name}'.", nameof(name));
        if (durableClient is not null && request.HttpContext.RequestServices.GetService<DurableClientAccessor>() is { } accessor)
            accessor.Client = durableClient;
        return await RunAsync(request, [named]);
    }

    /// <summary>Runs whichever endpoint under <paramref name="prefix"/> matches the request's path and
    /// method: for a library's group of unnamed routes (Scalar's page and its scripts under /docs).</summary>
    public Task<IResult> RunUnderAsync(HttpRequest request, string prefix) =>
        RunAsync(request, _all.Where(e => e.Endpoint.RoutePattern.RawText?.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) == true
                                          && AcceptsMethod(e.Endpoint, request.Method)));

    private async Task<IResult> RunAsync(HttpRequest request, IEnumerable<(RouteEndpoint Endpoint, TemplateMatcher Matcher)> candidates)
    {
        var context = request.HttpContext;
        context.SetEndpoint(null);
        foreach (var (endpoint, matcher) in candidates)
        {
            var values = new RouteValueDictionary();
            if (!matcher.TryMatch(request.Path, values)) continue;
            context.SetEndpoint(endpoint);
            context.Request.RouteValues = values;
            break;
        }
        await _pipeline.Value(context);
        // The response is written; nothing is left for the worker to execute.
        return Results.Empty;
    }

    private static bool AcceptsMethod(Endpoint endpoint, string method) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } methods
        || methods.Contains(method, StringComparer.OrdinalIgnoreCase);

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>The route builder the endpoints are mapped on: like a WebApplication's, without a server.</summary>
    private sealed class EndpointCollection(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;
        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }
}
