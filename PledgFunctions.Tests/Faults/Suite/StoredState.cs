using Azure.Data.Tables;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Faults;

/// <summary>Everything the invariants look at, read straight from storage (never through the service).</summary>
public sealed class StoredState
{
    public required Dictionary<string, StoredPurchase> Purchases { get; init; }
    /// <summary>Partitions holding rows but no purchase row.</summary>
    public required List<string> Orphans { get; init; }
    /// <summary>The sandbox gateway's charges, by purchase id.</summary>
    public required ILookup<string, SandboxChargeEntity> Ledger { get; init; }
    public required int OpenAuthorizations { get; init; }
    /// <summary>The sandbox gateway's refunds, by purchase id.</summary>
    public required ILookup<string, SandboxRefundEntity> Refunds { get; init; }

    public static async Task<StoredState> ReadAsync(string connectionString, CancellationToken ct)
    {
        var service = new TableServiceClient(connectionString);
        var purchases = service.GetTableClient("Purchases");
        var partitions = new Dictionary<string, StoredPurchase>();
        StoredPurchase Of(string pk) => partitions.TryGetValue(pk, out var p) ? p : partitions[pk] = new StoredPurchase();

        await foreach (var row in purchases.QueryAsync<PurchaseEntity>(Range("purchase", "purchasf"), cancellationToken: ct)) Of(row.PartitionKey).Purchase = row;
        await foreach (var row in purchases.QueryAsync<ShareEntity>(Range("share-", "share."), cancellationToken: ct)) Of(row.PartitionKey).Shares.Add(row);
        await foreach (var row in purchases.QueryAsync<ChargeEntity>(Range("charge-", "charge."), cancellationToken: ct)) Of(row.PartitionKey).Decisions.Add(row);
        await foreach (var row in purchases.QueryAsync<EventEntity>(Range("event-", "event."), cancellationToken: ct)) Of(row.PartitionKey).Events.Add(row);
        await foreach (var row in purchases.QueryAsync<PaymentEntity>(Range(PaymentEntity.RowPrefix, "payment."), cancellationToken: ct)) Of(row.PartitionKey).Payments.Add(row);

        var gateway = service.GetTableClient("SandboxGateway");
        var ledger = new List<SandboxChargeEntity>();
        var refunds = new List<SandboxRefundEntity>();
        await foreach (var row in gateway.QueryAsync<SandboxRefundEntity>(Range(SandboxRefundEntity.RowPrefix, "refund."), cancellationToken: ct)) refunds.Add(row);
        await foreach (var row in gateway.QueryAsync<SandboxChargeEntity>(TableClient.CreateQueryFilter($"RowKey eq {SandboxChargeEntity.Row}"), cancellationToken: ct))
            ledger.Add(row);
        return new StoredState
        {
            Purchases = partitions.Where(p => p.Value.Purchase is not null).ToDictionary(),
            Orphans = [.. partitions.Where(p => p.Value.Purchase is null).Select(p => p.Key)],
            Ledger = ledger.ToLookup(c => c.PurchaseId),
            // Neither captured nor voided: the service lost track of it, or has not settled it yet.
            OpenAuthorizations = ledger.Count(c => c.State == SandboxChargeEntity.Authorized),
            Refunds = refunds.ToLookup(r => r.PurchaseId),
        };
    }

    private static string Range(string from, string before) => TableClient.CreateQueryFilter($"RowKey ge {from} and RowKey lt {before}");

    public static async Task<int> CountAsync(TableClient table, string? filter, CancellationToken ct)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: ct)) count++;
        return count;
    }
}

public sealed class StoredPurchase
{
    public PurchaseEntity? Purchase { get; set; }
    public List<ShareEntity> Shares { get; } = [];
    public List<ChargeEntity> Decisions { get; } = [];
    public List<EventEntity> Events { get; } = [];
    public List<PaymentEntity> Payments { get; } = [];
}
