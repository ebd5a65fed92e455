using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Hosting;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>The app's own storage classes over an account another process serves from (the
/// Functions host's worker): what a test reads to check storage, without running the app here.</summary>
public static class StorageView
{
    public static ServiceProvider Over(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageClients.ConnectionKey] = connectionString }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddPledgOptions()
            .AddStorage();
        services.AddSingleton<SandboxCardGateway>();
        return services.BuildServiceProvider();
    }
}
