using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Hosting;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>The real service (PledgApp) in this process on Kestrel, on a free loopback port,
/// over a given Azurite: tests talk to it over real HTTP.</summary>
public sealed class TestService : IServiceUnderTest, IAsyncDisposable
{
    public const string MerchantKey = "sk_test_merchant_a_0123456789abcdef";
    public const string MerchantSecret = "whsec_test_merchant_a_0123456789";
    public const string OtherMerchantKey = "sk_test_merchant_b_0123456789abcdef";

    private TestService(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public IServiceProvider Services => App.Services;

    public static Dictionary<string, string?> DefaultSettings(Azurite azurite) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Pledg:BootstrapMerchants:0:Name"] = "Test Shop A",
        ["Pledg:BootstrapMerchants:0:ApiKey"] = MerchantKey,
        ["Pledg:BootstrapMerchants:0:WebhookSecret"] = MerchantSecret,
        ["Pledg:BootstrapMerchants:1:Name"] = "Test Shop B",
        ["Pledg:BootstrapMerchants:1:ApiKey"] = OtherMerchantKey,
        ["Pledg:BootstrapMerchants:1:WebhookSecret"] = "whsec_test_merchant_b_0123456789",
        ["Logging:LogLevel:Default"] = "Warning",
        // No mail server in most tests: those about messages point the service at an SmtpSink and turn this on.
        ["Pledg:Email:Enabled"] = "false",
    };

    public static async Task<TestService> StartAsync(Azurite azurite, Action<Dictionary<string, string?>>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var values = DefaultSettings(azurite);
        settings?.Invoke(values);
        var app = PledgApp.Build(["--environment", "Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            services?.Invoke(builder.Services);
        });
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        await app.Services.GetRequiredService<StorageInitializer>().FirstInitialization.WaitAsync(TimeSpan.FromSeconds(30));
        await app.Services.GetRequiredService<PledgFunctions.Lifecycle.IEngineReadiness>().WaitAsync(CancellationToken.None);
        return new TestService(app, new Uri(address));
    }

    public HttpClient Client(string? apiKey = MerchantKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>One Azurite and one service per test class; subclasses change settings.</summary>
public class ServiceFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;
    public TestService Service { get; private set; } = null!;

    protected virtual void Configure(Dictionary<string, string?> settings) { }

    protected virtual void ConfigureServices(IServiceCollection services) { }

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartNewAsync();
        Service = await TestService.StartAsync(Azurite, Configure, ConfigureServices);
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
