using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PledgFunctions.Hosting;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>The real service (PledgApp) in this process on Kestrel over loopback, as the tests run
/// it, with in-process workers off (so the storage counter sees only what requests do) and rate
/// limits off (the load would otherwise measure the limiter). Adds <c>GET /bench/noop</c>, which
/// goes through the same middleware and does nothing: the HTTP and framework floor.</summary>
public sealed class InProcessService : IAsyncDisposable
{
    public const string MerchantKey = "sk_bench_merchant_0123456789abcdef";

    private readonly WebApplication _app;

    private InProcessService(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", MerchantKey);
    }

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public StorageOperationCounter Counter => Services.GetRequiredService<StorageOperationCounter>();

    public static async Task<InProcessService> StartAsync(Azurite azurite, TimeSpan paymentWindow)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pledg:BootstrapMerchants:0:Name"] = "Bench Shop",
            ["Pledg:BootstrapMerchants:0:ApiKey"] = MerchantKey,
            ["Pledg:BootstrapMerchants:0:WebhookSecret"] = "whsec_bench_merchant_0123456789",
            ["Pledg:PaymentWindow"] = paymentWindow.ToString(),
            ["Pledg:Lifecycle:InProcessWorkers"] = "false",
            ["Pledg:RateLimits:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = PledgApp.Build(["--environment", "Testing"], builder => builder.Configuration.AddInMemoryCollection(settings));
        app.MapGet("/bench/noop", () => TypedResults.Ok());
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        await app.Services.GetRequiredService<StorageInitializer>().FirstInitialization.WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new InProcessService(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
