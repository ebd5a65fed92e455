using Microsoft.Azure.Functions.Worker.Builder;
using PledgFunctions.Lifecycle;

namespace PledgFunctions.Functions;

/// <summary>The isolated worker the Functions host starts: ASP.NET Core integration for the HTTP
/// triggers, the same services as the standalone host (<see cref="PledgApp.AddPledgServices"/>), and
/// the functions in this folder running the standalone's endpoints through <see cref="FunctionEndpoints"/>.</summary>
public static class FunctionsWorkerApp
{
    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.UseMiddleware<UnforwardableRequests>(); // first: the integration's middleware waits for the proxied request
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddPledgServices();
        builder.Services.AddFunctionEndpoints();
        return builder.Build();
    }

    /// <summary>The endpoints the functions run, and the Durable client each invocation's binding gives.</summary>
    public static IServiceCollection AddFunctionEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<FunctionEndpoints>();
        // The Durable client exists per invocation (its [DurableClient] binding); the services that
        // start or signal orchestrations are scoped and take it from the invocation's scope.
        // (A holder, not the client itself as a scoped service: the container would dispose it at
        // the end of the scope, and the binding's client is the extension's to keep.)
        services.AddScoped<DurableClientAccessor>();
        services.AddScoped<IDurableClientSource>(sp => sp.GetRequiredService<DurableClientAccessor>());
        // The OpenAPI document (and link generation) read the app's endpoints from this service; a
        // WebApplication fills it with its routes, here they are the ones the functions run.
        services.AddSingleton<EndpointDataSource>(sp => sp.GetRequiredService<FunctionEndpoints>().DataSource);
        return services;
    }
}
