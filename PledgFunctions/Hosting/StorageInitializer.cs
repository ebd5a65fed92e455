using Microsoft.Extensions.Options;
using PledgFunctions.Engine;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;

namespace PledgFunctions.Hosting;

/// <summary>Creates the tables (and, standalone, the engine's task hub) and ensures the configured merchants. Runs in the
/// background and keeps retrying, so the service starts (and answers 503) while storage is down,
/// and heals by itself when storage comes back.</summary>
public sealed class StorageInitializer(
    StorageClients storage, StorageHealth health, MerchantStore merchants,
    IOptions<PledgOptions> options, ILogger<StorageInitializer> logger, EngineStorage? engine = null) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    /// <summary>Completes after the first successful initialization (tests and benchmarks wait on it).</summary>
    public Task FirstInitialization => health.WaitUntilInitializedAsync(CancellationToken.None);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!health.Initialized)
            {
                try
                {
                    await InitializeAsync(stoppingToken);
                    health.MarkInitialized();
                    logger.LogInformation("Storage ready: {Tables} tables, the task hub {TaskHub}, {Merchants} merchant(s) ensured",
                        storage.AllTables.Count(), engine?.TaskHubName ?? "(the Functions host's)", options.Value.BootstrapMerchants.Count);
                }
                catch (Exception e) when (StorageErrors.IsUnavailable(e) || StorageErrors.IsMissingResource(e))
                {
                    logger.LogWarning("Storage not reachable yet ({Error}); retrying in {Delay}", e.GetBaseException().Message, RetryEvery);
                }
            }
            try { await health.WaitForReinitializeRequestAsync(RetryEvery, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        await Task.WhenAll(storage.AllTables.Select(t => t.CreateIfNotExistsAsync(ct)));
        if (engine is not null) await engine.CreateIfNotExistsAsync();
        foreach (var merchant in options.Value.BootstrapMerchants)
            await merchants.EnsureAsync(merchant.Name, merchant.ApiKey, merchant.WebhookSecret, ct);
        // Configuration is the only source of keys: a key no longer configured for its merchant stops working.
        foreach (var merchant in options.Value.BootstrapMerchants.GroupBy(m => m.Name))
            await merchants.RevokeOtherKeysAsync(merchant.Key, merchant.Select(m => m.ApiKey), ct);
    }
}
