using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.AspNetCore.Http.Features;
using PledgFunctions.Engine;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>The real service (PledgApp) in this process on Kestrel over loopback, as the tests run
/// it: the standalone Durable Task engine on Azurite behind its gRPC sidecar, rate limits off (the
/// load would otherwise measure the limiter). Each instance has a task hub of its own, so several
/// can share one Azurite and their engines' calls stay apart. Adds <c>GET /bench/noop</c>, which
/// goes through the same middleware and does nothing: the HTTP and framework floor. Email is off
/// (<c>Pledg:Email:Enabled=false</c>, as in the tests) unless <c>settings</c> turn it on and point it
/// at a server (<see cref="EmailTo"/>): with no SMTP host every send would fail and retry for a day.</summary>
public sealed class InProcessService : IAsyncDisposable
{
    public const string MerchantKey = "sk_bench_merchant_0123456789abcdef";

    private readonly WebApplication _app;

    private InProcessService(WebApplication app, Uri baseAddress, string taskHub)
    {
        _app = app;
        BaseAddress = baseAddress;
        TaskHub = taskHub;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", MerchantKey);
    }

    public Uri BaseAddress { get; }
    public string TaskHub { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>The application's own Table requests (purchases, indexes, events, charges).</summary>
    public StorageOperationCounter Counter => Services.GetRequiredService<StorageOperationCounter>();

    /// <summary>The engine's table, queue and blob requests (its task hub's history, instances,
    /// partitions, control and work-item queues, lease blobs).</summary>
    public EngineOperationCounter EngineCounter => Services.GetRequiredService<EngineOperationCounter>();

    public DurableTaskClient Durable => Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The settings that turn email on and send it to <paramref name="sink"/>, with each
    /// reminder offset given (<c>Pledg:Email:Reminders:N</c>): the defaults, a day and 3 h before the
    /// deadline, never fall inside a benchmark's payment window.</summary>
    public static Dictionary<string, string?> EmailTo(SmtpSink sink, params TimeSpan[] reminders)
    {
        var settings = sink.Settings();
        settings["Pledg:Email:Enabled"] = "true";
        for (var i = 0; i < reminders.Length; i++) settings[$"Pledg:Email:Reminders:{i}"] = reminders[i].ToString();
        return settings;
    }

    public static async Task<InProcessService> StartAsync(Azurite azurite, TimeSpan paymentWindow, string taskHub = "BenchHub", Azurite? hubAzurite = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["TaskHubStorage"] = (hubAzurite ?? azurite).ConnectionString,
            ["Pledg:Engine:Connection"] = "TaskHubStorage",
            ["Pledg:BootstrapMerchants:0:Name"] = "Bench Shop",
            ["Pledg:BootstrapMerchants:0:ApiKey"] = MerchantKey,
            ["Pledg:BootstrapMerchants:0:WebhookSecret"] = "whsec_bench_merchant_0123456789",
            ["Pledg:PaymentWindow"] = paymentWindow.ToString(),
            ["Pledg:Engine:TaskHubName"] = taskHub,
            ["Pledg:Engine:WorkerId"] = $"bench-{taskHub}",
            ["Pledg:RateLimits:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // The engine's warnings (lease timeouts, duplicate messages under load) go to stderr, not into the report.
            ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
            // Off unless asked (EmailTo): the contract's default is on, and with no SMTP host each send would fail and retry for a day.
            ["Pledg:Email:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var app = PledgApp.Build(["--environment", "Testing"], builder => builder.Configuration.AddInMemoryCollection(configuration));
        app.MapGet("/bench/noop", () => TypedResults.Ok());
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        await app.Services.GetRequiredService<StorageInitializer>().FirstInitialization.WaitAsync(TimeSpan.FromSeconds(60));
        // The sidecar waits for the task hub; on a loaded machine that can outlast one readiness wait.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await app.Services.GetRequiredService<IEngineReadiness>().WaitAsync(CancellationToken.None);
                break;
            }
            catch (TimeoutException) when (attempt < 6) { }
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new InProcessService(app, new Uri(address), taskHub);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
