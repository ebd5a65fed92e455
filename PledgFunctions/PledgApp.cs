using Scalar.AspNetCore;
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

/// <summary>The whole service as a recipe. <see cref="Build"/> is shared by <c>Program</c>, the
/// tests (which pass their own Azurite and clock through its configure callback) and the
/// benchmarks.</summary>
public static class PledgApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLocalSettings(args);        // Development: local.settings(.sample).json Values, like `func start`
        builder.Services.AddSingleton(TimeProvider.System);
        configure?.Invoke(builder);

        builder.AddTelemetry();                // OpenTelemetry traces and metrics: OTLP and/or Application Insights when configured
        builder.Services.AddPledgOptions();    // Pledg:* bound and validated at start
        builder.Services.AddApiErrors();       // problem+json with a code for every error
        builder.Services.AddStorage();         // Table clients and thin wrappers
        builder.Services.AddHostedService<DevelopmentStorageLauncher>(); // starts Azurite for `dotnet run`
        builder.Services.AddSingleton<StorageInitializer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>()); // tables, task hub, merchants
        builder.Services.AddMerchants();       // Bearer API keys, stored hashed
        builder.Services.AddRateLimits();      // a token bucket per client (API key hash, else address): 429 rate_limited
        builder.Services.AddLifecycle();       // transitions, the deadline rule, signals to the per-purchase orchestrations
        builder.Services.AddStandaloneEngine(builder.Configuration); // the Durable Task engine on Azure Storage, in this process
        builder.Services.AddPurchases();
        builder.Services.AddPayments();        // sandbox gateway, charge flow, settlement of announced authorizations
        builder.Services.AddWebhooks();        // signed merchant notifications: the delivery activity, redelivery
        builder.Services.ConfigureHttpJsonOptions(o => JsonBody.Configure(o.SerializerOptions));
        builder.Services.AddOpenApiDocument();

        var app = builder.Build();
        app.UseRequestLog();                   // one line per request: method, route template, status, ms
        app.UseApiErrors();
        app.UseRateLimits();                   // before authentication: unknown keys share their address's bucket, at no storage read
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();                      // /openapi/v1.json
        app.MapScalarApiReference("/docs");    // browsable reference
        app.MapHealth();                       // GET /api/health
        app.MapPurchases();                    // merchant API
        app.MapCheckout();                     // organizer's hosted-page API
        app.MapShares();                       // pledgers' hosted-page API
        app.MapWebhookEvents();                // merchant API: a purchase's events, redelivery
        app.MapPages();                        // hosted pages: /pay/{organizerToken}, /pay/share/{shareToken}
        return app;
    }
}
