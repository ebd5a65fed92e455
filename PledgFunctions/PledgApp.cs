using Scalar.AspNetCore;
using PledgFunctions.Email;
using PledgFunctions.Errors;
using PledgFunctions.Checkout;
using PledgFunctions.Engine;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Pages;
using PledgFunctions.Payments;
using PledgFunctions.Purchases;
using PledgFunctions.RateLimiting;
using PledgFunctions.Shares;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;
using PledgFunctions.Webhooks;

namespace PledgFunctions;

/// <summary>The whole service as a recipe. <see cref="Build"/> is the standalone host, shared by
/// <c>Program</c>, the tests (which pass their own Azurite and clock through its configure
/// callback) and the benchmarks. The services, the middleware and the endpoints are written once
/// here and used by both hosts: the Functions worker (Functions/FunctionsWorkerApp.cs) runs the same
/// <see cref="AddPledgServices"/>, <see cref="UsePledgMiddleware"/> and <see cref="MapPledgEndpoints"/>.</summary>
public static class PledgApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the build output, where appsettings.json (log levels, the console's
        // format) is copied: `dotnet run --project PledgFunctions` from the repository root would
        // otherwise look for it in the working directory, find none and log everything at Information.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddLocalSettings(args);        // Development: local.settings(.sample).json Values, like `func start`
        builder.Services.AddSingleton(TimeProvider.System);
        configure?.Invoke(builder);

        builder.AddPledgServices();
        builder.Services.AddStandaloneEngine(builder.Configuration); // the Durable Task engine on Azure Storage, in this process
        builder.Services.AddDevelopmentMailSink(); // starts smtp4dev for `dotnet run` when no SMTP host is configured
        builder.Services.AddSingleton<IDurableClientSource, DurableClientFromServices>(); // the client the standalone engine registers

        var app = builder.Build();
        app.UsePledgMiddleware();
        app.MapPledgEndpoints();
        return app;
    }

    /// <summary>Every service both hosts need.</summary>
    public static IHostApplicationBuilder AddPledgServices(this IHostApplicationBuilder builder)
    {
        builder.AddTelemetry();                // OpenTelemetry traces and metrics: OTLP and/or Application Insights when configured
        builder.Services.AddPledgOptions();    // Pledg:* bound and validated at start
        builder.Services.AddApiErrors();       // problem+json with a code for every error
        builder.Services.AddStorage();         // Table clients and thin wrappers
        builder.Services.AddHostedService<DevelopmentStorageLauncher>(); // starts Azurite for `dotnet run`
        builder.Services.AddSingleton<StorageInitializer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>()); // tables, task hub, merchants
        builder.Services.AddMerchants();       // Bearer API keys, stored hashed
        builder.Services.AddRateLimits();      // a token bucket per client (known API key, else address): 429 rate_limited
        builder.Services.AddLifecycle();       // transitions, the deadline rule, signals to the per-purchase orchestrations
        builder.Services.AddPurchases();
        builder.Services.AddPayments();        // sandbox gateway, charge flow, settlement of announced authorizations
        builder.Services.AddWebhooks();        // signed merchant notifications: the delivery activity, redelivery
        builder.Services.AddEmail();           // messages to the organizer and the pledgers over SMTP
        builder.Services.ConfigureHttpJsonOptions(o => JsonBody.Configure(o.SerializerOptions));
        builder.Services.AddOpenApiDocument();
        return builder;
    }

    /// <summary>What runs before every endpoint, in this order, under both hosts.</summary>
    public static IApplicationBuilder UsePledgMiddleware(this IApplicationBuilder app)
    {
        app.UseRequestLog();                   // one line per request: method, route template, status, ms
        app.UseApiErrors();
        app.UseRateLimits();                   // before authentication: unknown keys share their address's bucket, at no storage read
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Every public route. Under the Functions host each one is also an HTTP-triggered
    /// function of the same name (PledgFunctions/Functions/).</summary>
    public static IEndpointRouteBuilder MapPledgEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi().WithName(OpenApiSetup.DocumentEndpoint); // /openapi/v1.json (merchant), /openapi/pages.json (hosted pages)
        routes.MapScalarApiReference("/docs"); // browsable reference
        routes.MapHealth();                    // GET /api/health
        routes.MapPurchases();                 // merchant API
        routes.MapCheckout();                  // organizer's hosted-page API
        routes.MapShares();                    // pledgers' hosted-page API
        routes.MapWebhookEvents();             // merchant API: a purchase's events, redelivery
        routes.MapPages();                     // hosted pages: /pay/{organizerToken}, /pay/share/{shareToken}
        return routes;
    }
}
