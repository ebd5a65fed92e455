using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Merchants;

/// <summary>Merchants and their hashed API keys. Lookups are cached briefly: every merchant
/// request authenticates, and a key changes only through configuration at start-up.</summary>
public sealed class MerchantStore(StorageClients storage, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private const int MaxCachedKeys = 10_000;
    private readonly TableClient _table = storage.Merchants;
    private readonly ConcurrentDictionary<string, (Merchant? Merchant, DateTimeOffset Until)> _byKeyHash = new();
    private readonly ConcurrentDictionary<string, (MerchantEntity? Merchant, DateTimeOffset Until)> _byId = new();

    public static string IdFor(string name) => "mer_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16];

    public static string HashKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    public async Task<Merchant?> FindByApiKeyAsync(string apiKey, CancellationToken ct)
    {
        var hash = HashKey(apiKey);
        var now = time.GetUtcNow();
        if (_byKeyHash.TryGetValue(hash, out var cached) && cached.Until > now) return cached.Merchant;
        var row = await _table.GetEntityIfExistsAsync<MerchantEntity>(MerchantEntity.ApiKeyPartition, hash, cancellationToken: ct);
        var merchant = row.HasValue ? new Merchant(row.Value!.MerchantId, row.Value.Name) : null;
        // Unknown keys are cached too, so a client hammering with a bad key costs no storage reads;
        // the cache is bounded, so a client sending endless random keys cannot grow it without limit.
        if (_byKeyHash.Count >= MaxCachedKeys) _byKeyHash.Clear();
        _byKeyHash[hash] = (merchant, now + CacheFor);
        return merchant;
    }

    public async Task<MerchantEntity?> FindByIdAsync(string merchantId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_byId.TryGetValue(merchantId, out var cached) && cached.Until > now) return cached.Merchant;
        var row = await _table.GetEntityIfExistsAsync<MerchantEntity>(MerchantEntity.MerchantPartition, merchantId, cancellationToken: ct);
        var merchant = row.HasValue ? row.Value : null;
        _byId[merchantId] = (merchant, now + CacheFor);
        return merchant;
    }

    /// <summary>Makes the configured merchant and key exist (upsert: configuration is the source
    /// of truth for merchants, and this is not a purchase state change).</summary>
    public async Task EnsureAsync(string name, string apiKey, string webhookSecret, CancellationToken ct)
    {
        var id = IdFor(name);
        await _table.UpsertEntityAsync(new MerchantEntity
        {
            PartitionKey = MerchantEntity.MerchantPartition, RowKey = id, MerchantId = id, Name = name, WebhookSecret = webhookSecret,
        }, TableUpdateMode.Replace, ct);
        await _table.UpsertEntityAsync(new MerchantEntity
        {
            PartitionKey = MerchantEntity.ApiKeyPartition, RowKey = HashKey(apiKey), MerchantId = id, Name = name,
        }, TableUpdateMode.Replace, ct);
        _byKeyHash.TryRemove(HashKey(apiKey), out _);
        _byId.TryRemove(id, out _);
    }
}
