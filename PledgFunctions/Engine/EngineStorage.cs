using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Options;
using PledgFunctions.Storage;

namespace PledgFunctions.Engine;

/// <summary>The Durable Task engine's Azure Storage provider on the account
/// <c>Pledg:Engine:Connection</c> names (the app's <c>AzureWebJobsStorage</c> unless set; a connection
/// string or identity-based), as the Functions host's Durable extension uses its <c>connectionName</c>. Its requests are counted apart from the app's, so benchmarks can
/// show the engine's own cost.</summary>
public sealed class EngineStorage
{
    public EngineStorage(IConfiguration configuration, IOptions<EngineOptions> options, EngineOperationCounter counter, ILoggerFactory loggers)
    {
        var engine = options.Value;
        TaskHubName = engine.TaskHubName;
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = engine.TaskHubName,
            PartitionCount = engine.PartitionCount,
            MaxQueuePollingInterval = engine.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = engine.QueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = engine.QueueVisibilityTimeout,
            WorkerId = engine.WorkerId ?? Environment.MachineName,
            MaxConcurrentTaskOrchestrationWorkItems = engine.MaxConcurrentOrchestrations,
            MaxConcurrentTaskActivityWorkItems = engine.MaxConcurrentActivities,
            StorageAccountClientProvider = ClientProvider(ConnectionSection(configuration, engine.Connection), counter),
            LoggerFactory = loggers,
            // A start refused by its dedupe statuses throws (AlreadyExists) instead of returning as
            // if it had started: LifecycleSignals.StartAsync must know, to restart an instance that
            // ended before a retried create inserted its purchase.
            ThrowExceptionOnInvalidDedupeStatus = true,
        };
        Service = new AzureStorageOrchestrationService(settings);
    }

    public string TaskHubName { get; }

    public AzureStorageOrchestrationService Service { get; }

    /// <summary>Idempotent; the storage initializer calls it with the app's own tables.</summary>
    public Task CreateIfNotExistsAsync() => Service.CreateIfNotExistsAsync();

    /// <summary>The app's own account falls back to local development storage as the Functions host
    /// does; a connection named for the hub alone must exist, or a typo would put the hub there.</summary>
    private static IConfigurationSection ConnectionSection(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection(name);
        if (name != StorageClients.ConnectionKey && !section.Exists())
            throw new InvalidOperationException(
                $"{EngineOptions.Section}:Connection names '{name}', which is not set: set {name} to a connection string, or {name}__accountName for identity-based access.");
        return section;
    }

    private static StorageAccountClientProvider ClientProvider(IConfigurationSection section, EngineOperationCounter counter)
    {
        var blob = Options(new BlobClientOptions(), counter);
        var queue = Options(new QueueClientOptions(), counter);
        var table = Options(new TableClientOptions(), counter);
        var connectionString = StorageClients.ConnectionStringOf(section);
        if (connectionString is not null)
            return new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(connectionString, blob),
                StorageServiceClientProvider.ForQueue(connectionString, queue),
                StorageServiceClientProvider.ForTable(connectionString, table));
        var account = section["accountName"];
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = section["clientId"] });
        Uri Endpoint(string key, string service) => new(section[key] ?? $"https://{account}.{service}.core.windows.net");
        return new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(Endpoint("blobServiceUri", "blob"), credential, blob),
            StorageServiceClientProvider.ForQueue(Endpoint("queueServiceUri", "queue"), credential, queue),
            StorageServiceClientProvider.ForTable(Endpoint("tableServiceUri", "table"), credential, table));
    }

    /// <summary>Requests wait on the engine (start, nudge, status): with the SDK's defaults (three
    /// exponential retries, 100 s network timeout) a storage outage held a pledge for 27 s before
    /// its 503 (fault suite, outage phase). The engine's own loops retry by themselves anyway.</summary>
    private static T Options<T>(T options, EngineOperationCounter counter) where T : ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        return options;
    }
}

/// <summary>Requests the engine's provider sends (tables, queues, lease blobs), each retry too.</summary>
public sealed class EngineOperationCounter : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
{
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _total);
}
