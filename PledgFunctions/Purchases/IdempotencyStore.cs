using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary>Idempotency-Key for purchase creation. The key is claimed by a conditional insert
/// (PartitionKey merchant id, RowKey SHA-256 of the key), so two requests, on any number of
/// service processes, cannot both create: the loser sees the winner's row. The row names the
/// purchase id up front, so a process that dies mid-way is taken over (after its lease) with
/// the same id and can never create a second purchase.</summary>
public sealed class IdempotencyStore(StorageClients storage, TimeProvider time)
{
    /// <summary>The contract promises at least 24 h.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    /// <summary>How long an in-flight request holds the key before another may take over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly TableClient _table = storage.Idempotency;

    public static bool IsValidKey(string key) => key.Length is >= 1 and <= 255 && key.All(c => c is >= '!' and <= '~');

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task<IdempotencyOutcome> BeginAsync(string merchantId, string key, string bodyHash, string candidatePurchaseId, CancellationToken ct)
    {
        var rowKey = Hash(Encoding.UTF8.GetBytes(key));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = time.GetUtcNow();
            var claim = new IdempotencyEntity
            {
                PartitionKey = merchantId, RowKey = rowKey, BodyHash = bodyHash, PurchaseId = candidatePurchaseId,
                Status = IdempotencyEntity.Pending, CreatedAt = now, LockedUntil = now + Lease,
            };
            try
            {
                var added = await _table.AddEntityAsync(claim, ct);
                return new IdempotencyOutcome.Proceed(candidatePurchaseId, added.Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e)) { }

            var existing = await _table.GetEntityIfExistsAsync<IdempotencyEntity>(merchantId, rowKey, cancellationToken: ct);
            if (!existing.HasValue) continue;
            var row = existing.Value!;
            if (row.CreatedAt + Retention <= now)
            {
                // Expired: the key is free again. Replace conditionally so only one request reuses it.
                if (await TryReplaceAsync(claim, row.ETag, ct) is { } etag) return new IdempotencyOutcome.Proceed(candidatePurchaseId, etag);
                continue;
            }
            if (row.BodyHash != bodyHash) return new IdempotencyOutcome.Mismatch();
            if (row.Status == IdempotencyEntity.Completed) return new IdempotencyOutcome.Replay(row.ResponseStatus, row.ResponseBody ?? "", row.Location);
            if (row.LockedUntil > now) return new IdempotencyOutcome.InFlight();

            row.LockedUntil = now + Lease;
            if (await TryReplaceAsync(row, row.ETag, ct) is { } takenOver) return new IdempotencyOutcome.Proceed(row.PurchaseId, takenOver);
        }
        return new IdempotencyOutcome.InFlight();
    }

    /// <summary>Stores the first response for replays. If another request took the key over in
    /// the meantime it completes it with the same purchase, so losing this write is harmless.</summary>
    public async Task CompleteAsync(string merchantId, string key, ETag claimed, string bodyHash, string purchaseId,
        int status, string body, string? location, DateTimeOffset createdAt, CancellationToken ct)
    {
        var row = new IdempotencyEntity
        {
            PartitionKey = merchantId, RowKey = Hash(Encoding.UTF8.GetBytes(key)), BodyHash = bodyHash, PurchaseId = purchaseId,
            Status = IdempotencyEntity.Completed, CreatedAt = createdAt, LockedUntil = createdAt,
            ResponseStatus = status, ResponseBody = body, Location = location,
        };
        await TryReplaceAsync(row, claimed, ct);
    }

    /// <summary>Best effort after a failed attempt (e.g. storage went away mid-way): ends the lease
    /// so the client's retry proceeds at once instead of answering idempotency_key_in_use until it
    /// runs out. The purchase id stays, so the retry completes the same purchase.</summary>
    public async Task ReleaseAsync(string merchantId, string key, ETag claimed, string bodyHash, string purchaseId, DateTimeOffset createdAt)
    {
        var row = new IdempotencyEntity
        {
            PartitionKey = merchantId, RowKey = Hash(Encoding.UTF8.GetBytes(key)), BodyHash = bodyHash, PurchaseId = purchaseId,
            Status = IdempotencyEntity.Pending, CreatedAt = createdAt, LockedUntil = createdAt,
        };
        try { await TryReplaceAsync(row, claimed, CancellationToken.None); }
        catch (Exception e) when (StorageErrors.IsUnavailable(e)) { }
    }

    private async Task<ETag?> TryReplaceAsync(IdempotencyEntity row, ETag ifMatch, CancellationToken ct)
    {
        try
        {
            return (await _table.UpdateEntityAsync(row, ifMatch, TableUpdateMode.Replace, ct)).Headers.ETag;
        }
        catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsNotFound(e))
        {
            return null;
        }
    }
}

public abstract record IdempotencyOutcome
{
    public sealed record Proceed(string PurchaseId, ETag Claim) : IdempotencyOutcome;
    public sealed record Replay(int Status, string Body, string? Location) : IdempotencyOutcome;
    public sealed record Mismatch : IdempotencyOutcome;
    public sealed record InFlight : IdempotencyOutcome;
}

public sealed class IdempotencyEntity : ITableEntity
{
    public const string Pending = "pending";
    public const string Completed = "completed";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string BodyHash { get; set; } = "";
    public string PurchaseId { get; set; } = "";
    public string Status { get; set; } = Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LockedUntil { get; set; }
    public int ResponseStatus { get; set; }
    public string? ResponseBody { get; set; }
    public string? Location { get; set; }
}
