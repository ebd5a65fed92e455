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
    private readonly Dictionary<string, (RouteEndpoint Endpoint, TemplateMatcher Matcher)> _byName;
    private readonly RequestDelegate _pipeline;

    public FunctionEndpoints(IServiceProvider services)
    {
        var routes = new EndpointCollection(services);
        routes.MapPledgEndpoints();
        DataSource = new CompositeEndpointDataSource(routes.DataSources);
        _byName = DataSource.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                e => (e, new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults))));

        var app = new ApplicationBuilder(services);
        app.UsePledgMiddleware();
        // What endpoint routing would do last: run the endpoint; none (a path the endpoint's pattern
        // does not match) answers 404, which the error middleware turns into problem+json.
        app.Run(context => context.GetEndpoint()?.RequestDelegate?.Invoke(context) ?? NotFound(context));
        _pipeline = app.Build();
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
        var context = request.HttpContext;
        var (endpoint, matcher) = _byName.TryGetValue(name, out var found)
            ? found
            : throw new ArgumentException($"No endpoint is named '{name}'.", nameof(name));
        var values = new RouteValueDictionary();
        var matches = matcher.TryMatch(request.Path, values);
        context.SetEndpoint(matches ? endpoint : null);
        context.Request.RouteValues = values;
        if (durableClient is not null && context.RequestServices.GetService<DurableClientAccessor>() is { } accessor)
            accessor.Client = durableClient;
        await _pipeline(context);
        // The response is written; nothing is left for the worker to execute.
        return Results.Empty;
    }

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
