using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;

namespace PledgFunctions.Storage;

/// <summary>The account's table clients, built once from <c>AzureWebJobsStorage</c> the way the
/// Functions host reads it: a connection string, or identity-based
/// (<c>AzureWebJobsStorage__accountName</c> / <c>__tableServiceUri</c>). The engine's task hub uses
/// the same account unless <c>Pledg:Engine:Connection</c> names another (Engine/EngineStorage.cs).</summary>
public sealed class StorageClients
{
    public const string ConnectionKey = "AzureWebJobsStorage";

    public StorageClients(IConfiguration configuration, StorageOperationCounter counter)
    {
        var section = configuration.GetSection(ConnectionKey);
        var connectionString = ConnectionStringOf(section);
        TableServiceClient gatewayTables;
        var tableOptions = Configure(new TableClientOptions(), counter);
        // The sandbox gateway stands in for an outside card network: its calls are not ours to count.
        var gatewayOptions = Configure(new TableClientOptions(), counter: null);

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // Only the well-known default: a connection string naming its own endpoints (a test's
            // Azurite on free ports) is never auto-started.
            IsDevelopmentStorage = connectionString.Trim().Equals("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase);
            Tables = new TableServiceClient(connectionString, tableOptions);
            gatewayTables = new TableServiceClient(connectionString, gatewayOptions);
        }
        else
        {
            var account = section["accountName"];
            var tableUri = section["tableServiceUri"] ?? (account is null ? null : $"https://{account}.table.core.windows.net");
            if (tableUri is null)
                throw new InvalidOperationException(
                    $"Set {ConnectionKey} to a connection string, or {ConnectionKey}__accountName for identity-based access.");
            // Same credential selection as the Functions host: managed identity in Azure, developer login locally.
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = section["clientId"] });
            Tables = new TableServiceClient(new Uri(tableUri), credential, tableOptions);
            gatewayTables = new TableServiceClient(new Uri(tableUri), credential, gatewayOptions);
        }

        Purchases = Tables.GetTableClient("Purchases");
        Merchants = Tables.GetTableClient("Merchants");
        MerchantPurchases = Tables.GetTableClient("MerchantPurchases");
        Idempotency = Tables.GetTableClient("Idempotency");
        SandboxGateway = gatewayTables.GetTableClient("SandboxGateway");
    }

    public bool IsDevelopmentStorage { get; }
    public TableServiceClient Tables { get; }
    public TableClient Purchases { get; }
    public TableClient Merchants { get; }
    public TableClient MerchantPurchases { get; }
    public TableClient Idempotency { get; }
    public TableClient SandboxGateway { get; }

    public IEnumerable<TableClient> AllTables => [Purchases, Merchants, MerchantPurchases, Idempotency, SandboxGateway];

    /// <summary>Like the Functions host: a connection string, else null for identity-based settings
    /// (<c>__accountName</c>, <c>__tableServiceUri</c>...), else local development storage.</summary>
    public static string? ConnectionStringOf(IConfigurationSection section)
    {
        var identityBased = section["accountName"] is not null || section["tableServiceUri"] is not null;
        return section.Value ?? (identityBased ? null : "UseDevelopmentStorage=true");
    }

    // A storage outage must surface as 503 within seconds, not after the SDK's default
    // 100 s network timeout and three exponential retries.
    private static T Configure<T>(T options, StorageOperationCounter? counter) where T : ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        if (counter is not null) options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        return options;
    }
}
