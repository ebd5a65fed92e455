using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Merchants;

/// <summary>Merchants and their hashed API keys. Every merchant request authenticates, so lookups
/// are cached. Known keys (rows that exist; configuration is their only source, so they are few)
/// are kept apart from unknown ones and never evicted by them: a flood of random keys cannot push
/// a merchant's key out and make its requests wait for storage.</summary>
public sealed class MerchantStore(StorageClients storage, TimeProvider time)
{
    /// <summary>How long a known key is trusted without reading its row again: the most time a key
    /// rotated by another instance's start-up keeps working on this one.</summary>
    public static readonly TimeSpan RecheckKnownKeysAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private const int MaxUnknownKeys = 10_000;
    private readonly TableClient _table = storage.Merchants;
    private readonly ConcurrentDictionary<string, (Merchant Merchant, DateTimeOffset RecheckAt)> _knownKeys = new(StringComparer.Ordinal);
    private readonly UnknownKeyCache _unknownKeys = new(MaxUnknownKeys, CacheFor);
    private readonly ConcurrentDictionary<string, (MerchantEntity? Merchant, DateTimeOffset Until)> _byId = new();

    public static string IdFor(string name) => "mer_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..16];

    public static string HashKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>Memory only, no storage read: whether this key hash belonged to a merchant when last
    /// checked. The rate limiter, which runs before authentication, gives such keys their own bucket.</summary>
    public bool IsKnownKeyHash(string keyHash) => _knownKeys.ContainsKey(keyHash);

    public async Task<Merchant?> FindByApiKeyAsync(string apiKey, CancellationToken ct)
    {
        var hash = HashKey(apiKey);
        var now = time.GetUtcNow();
        if (_knownKeys.TryGetValue(hash, out var known) && known.RecheckAt > now) return known.Merchant;
        if (_unknownKeys.Contains(hash, now)) return null;
        MerchantEntity? row;
        try
        {
            row = (await _table.GetEntityAsync<MerchantEntity>(MerchantEntity.ApiKeyPartition, hash, cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != "TableNotFound")
        {
            row = null;
        }
        // A missing table is storage that lost its data (a development Azurite restarted in memory),
        // not a missing key: it throws (503, and storage is initialized again) rather than remember
        // the configured key as unknown and answer 401 for a minute after the merchants are back.
        if (row is null)
        {
            // Revoked since it was cached (another instance started with a rotated key), or never existed.
            _knownKeys.TryRemove(hash, out _);
            _unknownKeys.Add(hash, now);
            return null;
        }
        var merchant = new Merchant(row.MerchantId, row.Name);
        _knownKeys[hash] = (merchant, now + RecheckKnownKeysAfter);
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
    /// of truth for merchants, and this is not a purchase state change). The key is known from
    /// here on, so even a merchant's first request is served from memory.</summary>
    public async Task EnsureAsync(string name, string apiKey, string webhookSecret, CancellationToken ct)
    {
        var id = IdFor(name);
        await _table.UpsertEntityAsync(new MerchantEntity
        {
            PartitionKey = MerchantEntity.MerchantPartition, RowKey = id, MerchantId = id, Name = name, WebhookSecret = webhookSecret,
        }, TableUpdateMode.Replace, ct);
        var hash = HashKey(apiKey);
        await _table.UpsertEntityAsync(new MerchantEntity
        {
            PartitionKey = MerchantEntity.ApiKeyPartition, RowKey = hash, MerchantId = id, Name = name,
        }, TableUpdateMode.Replace, ct);
        _unknownKeys.Remove(hash);
        _knownKeys[hash] = (new Merchant(id, name), time.GetUtcNow() + RecheckKnownKeysAfter);
        _byId.TryRemove(id, out _);
    }

    /// <summary>Key rotation: deletes the merchant's key rows other than the configured ones, so a
    /// replaced key stops working as soon as a service has started with the new one (at once here,
    /// within <see cref="RecheckKnownKeysAfter"/> on instances that had it cached).</summary>
    public async Task RevokeOtherKeysAsync(string name, IEnumerable<string> configuredApiKeys, CancellationToken ct)
    {
        var id = IdFor(name);
        var keep = configuredApiKeys.Select(HashKey).ToHashSet(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {MerchantEntity.ApiKeyPartition} and MerchantId eq {id}");
        await foreach (var row in _table.QueryAsync<MerchantEntity>(filter, cancellationToken: ct))
        {
            if (keep.Contains(row.RowKey)) continue;
            try { await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct); }
            // Rewritten meanwhile by an instance configured with that key: its configuration decides.
            // (A row already gone is no error: deleting a missing entity succeeds.)
            catch (Exception e) when (StorageErrors.IsConflict(e)) { }
            _knownKeys.TryRemove(row.RowKey, out _);
        }
    }
}
