using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary>Idempotency-Key of every mutating merchant call (see <see cref="IdempotencyFilter"/>).
/// The key is claimed by a conditional insert (PartitionKey merchant id, RowKey SHA-256 of the
/// key), so two requests, on any number of service processes, cannot both run: the loser sees the
/// winner's row. The row records the route and the body's hash (another of either is a 422) and
/// reserves a purchase id up front, so a create whose process dies mid-way is taken over (after
/// its lease) with the same id and can never create a second purchase.</summary>
public sealed class IdempotencyStore(StorageClients storage, TimeProvider time)
{
    /// <summary>The contract promises at least 24 h.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    /// <summary>How long an in-flight request holds the key before another may take over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly TableClient _table = storage.Idempotency;

    public static bool IsValidKey(string key) => key.Length is >= 1 and <= 255 && key.All(c => c is >= '!' and <= '~');

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task<IdempotencyOutcome> BeginAsync(string merchantId, string key, string route, string bodyHash, string candidatePurchaseId, CancellationToken ct)
    {
        var rowKey = Hash(Encoding.UTF8.GetBytes(key));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = time.GetUtcNow();
            var claim = new IdempotencyEntity
            {
                PartitionKey = merchantId, RowKey = rowKey, Route = route, BodyHash = bodyHash, PurchaseId = candidatePurchaseId,
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
            // Our own insert, landed, then retried by the storage SDK after a lost response: the
            // candidate id is random per request, so only this request can have written it.
            if (row.Status == IdempotencyEntity.Pending && row.PurchaseId == candidatePurchaseId && row.Route == route && row.BodyHash == bodyHash)
                return new IdempotencyOutcome.Proceed(candidatePurchaseId, row.ETag);
            if (row.CreatedAt + Retention <= now)
            {
                // Expired: the key is free again. Replace conditionally so only one request reuses it.
                if (await TryReplaceAsync(claim, row.ETag, ct) is { } etag) return new IdempotencyOutcome.Proceed(candidatePurchaseId, etag);
                continue;
            }
            if (row.BodyHash != bodyHash || row.Route != route) return new IdempotencyOutcome.Mismatch();
            if (row.Status == IdempotencyEntity.Completed)
                return new IdempotencyOutcome.Replay(new StoredResponse(row.ResponseStatus, row.ContentType, row.ResponseBody ?? [], row.Location));
            if (row.LockedUntil > now) return new IdempotencyOutcome.InFlight();

            row.LockedUntil = now + Lease;
            if (await TryReplaceAsync(row, row.ETag, ct) is { } takenOver) return new IdempotencyOutcome.Proceed(row.PurchaseId, takenOver);
        }
        return new IdempotencyOutcome.InFlight();
    }

    /// <summary>Stores the first response for replays. If another request took the key over in
    /// the meantime it completes it with the same purchase, so losing this write is harmless.</summary>
    public async Task CompleteAsync(string merchantId, string key, ETag claimed, string route, string bodyHash, string purchaseId,
        StoredResponse response, DateTimeOffset createdAt, CancellationToken ct)
    {
        var row = new IdempotencyEntity
        {
            PartitionKey = merchantId, RowKey = Hash(Encoding.UTF8.GetBytes(key)), Route = route, BodyHash = bodyHash, PurchaseId = purchaseId,
            Status = IdempotencyEntity.Completed, CreatedAt = createdAt, LockedUntil = createdAt,
            ResponseStatus = response.Status, ContentType = response.ContentType, ResponseBody = response.Body, Location = response.Location,
        };
        await TryReplaceAsync(row, claimed, ct);
    }

    /// <summary>Best effort after a failed attempt (e.g. storage went away mid-way): ends the lease
    /// so the client's retry proceeds at once instead of answering idempotency_key_in_use until it
    /// runs out. The purchase id stays, so the retry completes the same purchase.</summary>
    public async Task ReleaseAsync(string merchantId, string key, ETag claimed, string route, string bodyHash, string purchaseId, DateTimeOffset createdAt)
    {
        var row = new IdempotencyEntity
        {
            PartitionKey = merchantId, RowKey = Hash(Encoding.UTF8.GetBytes(key)), Route = route, BodyHash = bodyHash, PurchaseId = purchaseId,
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
    public sealed record Replay(StoredResponse Response) : IdempotencyOutcome;
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
    /// <summary>Method and path: the same key on another route is refused.</summary>
    public string Route { get; set; } = "";
    public string BodyHash { get; set; } = "";
    public string PurchaseId { get; set; } = "";
    public string Status { get; set; } = Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LockedUntil { get; set; }
    public int ResponseStatus { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }

    /// <summary>The first response's bytes, in <c>Response0</c>..<c>Response3</c> (see
    /// <see cref="Utf8Chunks"/>): a Purchase with a worst-case cart does not fit one property.</summary>
    [IgnoreDataMember]
    public byte[]? ResponseBody
    {
        get => Response0 is null ? null : [.. Response0, .. Response1 ?? [], .. Response2 ?? [], .. Response3 ?? []];
        set
        {
            var c = Utf8Chunks.SplitBytes(value, 4);
            (Response0, Response1, Response2, Response3) = (c[0], c[1], c[2], c[3]);
        }
    }
    public byte[]? Response0 { get; set; }
    public byte[]? Response1 { get; set; }
    public byte[]? Response2 { get; set; }
    public byte[]? Response3 { get; set; }
}
