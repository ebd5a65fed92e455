using Azure;
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
    private readonly AzureStorageOrchestrationServiceSettings _settings;
    private readonly StorageAccountClientProvider _clients;
    private readonly ILogger<EngineStorage> _logger;
    private readonly SemaphoreSlim _creating = new(1, 1);
    private AzureStorageOrchestrationService? _service;

    public EngineStorage(IConfiguration configuration, IOptions<EngineOptions> options, EngineOperationCounter counter, ILoggerFactory loggers)
    {
        var engine = options.Value;
        TaskHubName = engine.TaskHubName;
        _logger = loggers.CreateLogger<EngineStorage>();
        _clients = ClientProvider(ConnectionSection(configuration, engine.Connection), counter);
        _settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = engine.TaskHubName,
            PartitionCount = engine.PartitionCount,
            MaxQueuePollingInterval = engine.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = engine.QueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = engine.QueueVisibilityTimeout,
            WorkerId = engine.WorkerId ?? Environment.MachineName,
            MaxConcurrentTaskOrchestrationWorkItems = engine.MaxConcurrentOrchestrations,
            MaxConcurrentTaskActivityWorkItems = engine.MaxConcurrentActivities,
            StorageAccountClientProvider = _clients,
            LoggerFactory = new EngineLogLevels(loggers),
            // A start refused by its dedupe statuses throws (AlreadyExists) instead of returning as
            // if it had started: LifecycleSignals.StartAsync must know, to restart an instance that
            // ended before a retried create inserted its purchase.
            ThrowExceptionOnInvalidDedupeStatus = true,
        };
    }

    public string TaskHubName { get; }

    /// <summary>The control-queue partitions in use: the configured count for a new hub, the count
    /// an existing hub was created with otherwise.</summary>
    public int PartitionCount => _settings.PartitionCount;

    public AzureStorageOrchestrationService Service =>
        _service ?? throw new InvalidOperationException($"The task hub {TaskHubName} is not open yet: {nameof(CreateIfNotExistsAsync)} opens it.");

    /// <summary>Opens the task hub, creating it if needed. Idempotent; the storage initializer calls
    /// it with the app's own tables (and again after a storage outage).</summary>
    public async Task CreateIfNotExistsAsync()
    {
        await _creating.WaitAsync();
        try
        {
            if (_service is null)
            {
                await KeepExistingPartitionCountAsync();
                _service = new AzureStorageOrchestrationService(_settings);
            }
            await _service.CreateIfNotExistsAsync();
        }
        finally
        {
            _creating.Release();
        }
    }

    /// <summary>The provider routes an instance's new messages by a hash of its id modulo the
    /// configured count, but leases and polls the queues the hub's Partitions table lists: opened with
    /// another count, an in-flight instance gets messages on two queues, which processes sharing the
    /// hub may hold apart (the provider only warns). A hub keeps the count its lease rows record.</summary>
    private async Task KeepExistingPartitionCountAsync()
    {
        var tables = _clients.Table;
        var leases = tables.CreateClient(tables.CreateOptions()).GetTableClient($"{TaskHubName}Partitions");
        var existing = 0;
        try
        {
            await foreach (var _ in leases.QueryAsync<TableEntity>(select: ["RowKey"])) existing++;
        }
        catch (RequestFailedException e) when (e.Status == 404) { }
        if (existing == 0 || existing == _settings.PartitionCount) return;
        _logger.LogWarning("Task hub {TaskHub} was created with {Existing} partitions: it keeps them ({Section}:PartitionCount {Configured} applies to a new hub only)",
            TaskHubName, existing, EngineOptions.Section, _settings.PartitionCount);
        _settings.PartitionCount = existing;
    }

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
