using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Payments;

/// <summary>The sandbox card network: no real card is charged, but its ledger of authorizations,
/// captures and voids is kept in Table Storage (table SandboxGateway), so tests can count across
/// restarts how often money really moved. Keeps brand and last four only.
/// Test cards: 4000000000000002 is declined, 4000000000009995 is declined for insufficient funds,
/// any other Luhn-valid number is approved.</summary>
public sealed class SandboxCardGateway(StorageClients storage, TimeProvider time) : ICardGateway
{
    public const string DeclinedCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";

    private readonly TableClient _table = storage.SandboxGateway;

    public async Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken ct)
    {
        if (request.Card.Number == DeclinedCard) return new AuthorizationResult.Declined("card_declined");
        if (request.Card.Number == InsufficientFundsCard) return new AuthorizationResult.Declined("insufficient_funds");

        var chargeId = ChargeIdFor(idempotencyKey);
        var now = time.GetUtcNow();
        try
        {
            await _table.AddEntityAsync(new SandboxChargeEntity
            {
                PartitionKey = chargeId, RowKey = SandboxChargeEntity.Row, Amount = request.Amount, Currency = request.Currency,
                Brand = request.Card.Brand, Last4 = request.Card.Last4, State = SandboxChargeEntity.Authorized,
                PurchaseId = request.PurchaseId, ShareRowKey = request.ShareRowKey, AuthorizedAt = now,
            }, ct);
        }
        catch (RequestFailedException e) when (StorageErrors.IsConflict(e)) { }
        return new AuthorizationResult.Approved(chargeId);
    }

    public Task CaptureAsync(string chargeId, CancellationToken ct) =>
        SettleAsync(chargeId, SandboxChargeEntity.Captured, SandboxChargeEntity.Voided, ct);

    public Task VoidAsync(string chargeId, CancellationToken ct) =>
        SettleAsync(chargeId, SandboxChargeEntity.Voided, SandboxChargeEntity.Captured, ct);

    public async Task<string?> FindAuthorizationAsync(string idempotencyKey, CancellationToken ct)
    {
        var chargeId = ChargeIdFor(idempotencyKey);
        var read = await _table.GetEntityIfExistsAsync<SandboxChargeEntity>(chargeId, SandboxChargeEntity.Row, cancellationToken: ct);
        return read.HasValue ? chargeId : null;
    }

    /// <summary>The refund row and the charge's refunded total change in one entity-group transaction
    /// (both live in the charge's partition) conditioned on the charge's ETag: two refunds racing for
    /// the last of a charge cannot both pass the limit, and a retried key finds its row.</summary>
    public async Task<string> RefundAsync(string chargeId, long amount, string idempotencyKey, CancellationToken ct)
    {
        if (amount <= 0) throw new RefundRefusedException($"A refund must be at least one minor unit, not {amount}.");
        var refundId = "re_" + KeyHash(idempotencyKey);
        var rowKey = SandboxRefundEntity.RowKeyFor(refundId);
        while (true)
        {
            var done = await _table.GetEntityIfExistsAsync<SandboxRefundEntity>(chargeId, rowKey, cancellationToken: ct);
            if (done.HasValue)
                return done.Value!.Amount == amount ? refundId
                    : throw new RefundRefusedException($"Refund key reused for {amount} on {chargeId}; it refunded {done.Value.Amount}.");
            var read = await _table.GetEntityIfExistsAsync<SandboxChargeEntity>(chargeId, SandboxChargeEntity.Row, cancellationToken: ct);
            if (read.HasValue && read.Value!.State == SandboxChargeEntity.Authorized) throw new ChargeNotCapturedException(chargeId);
            if (!read.HasValue || read.Value!.State != SandboxChargeEntity.Captured)
                throw new RefundRefusedException($"Charge {chargeId} is not captured; nothing to refund.");
            var charge = read.Value;
            if (charge.RefundedAmount + amount > charge.Amount)
                throw new RefundRefusedException($"Refunding {amount} of {chargeId} would exceed its capture ({charge.RefundedAmount} of {charge.Amount} refunded).");
            charge.RefundedAmount += amount;
            var refund = new SandboxRefundEntity
            {
                PartitionKey = chargeId, RowKey = rowKey, RefundId = refundId, Amount = amount, Currency = charge.Currency,
                PurchaseId = charge.PurchaseId, ShareRowKey = charge.ShareRowKey, RefundedAt = time.GetUtcNow(),
            };
            try
            {
                await _table.SubmitTransactionAsync([new(TableTransactionActionType.UpdateReplace, charge, charge.ETag),
                    new(TableTransactionActionType.Add, refund)], ct);
                return refundId;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e)) { }
        }
    }

    /// <summary>The refunds of one purchase, for tests and operators (a filter over the whole table).</summary>
    public async Task<IReadOnlyList<SandboxRefundEntity>> RefundsOfAsync(string purchaseId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey ge {SandboxRefundEntity.RowPrefix} and RowKey lt {"refund."} and PurchaseId eq {purchaseId}");
        var rows = new List<SandboxRefundEntity>();
        await foreach (var row in _table.QueryAsync<SandboxRefundEntity>(filter, cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    // The charge id derives from the idempotency key: a retried authorize finds the first one.
    private static string ChargeIdFor(string idempotencyKey) => "ch_" + KeyHash(idempotencyKey);

    private static string KeyHash(string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..24];

    /// <summary>The ledger of one purchase, for tests and operators. Not on any request path:
    /// it filters the whole sandbox table.</summary>
    public async Task<IReadOnlyList<SandboxChargeEntity>> LedgerOfAsync(string purchaseId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {SandboxChargeEntity.Row} and PurchaseId eq {purchaseId}");
        var rows = new List<SandboxChargeEntity>();
        await foreach (var row in _table.QueryAsync<SandboxChargeEntity>(filter, cancellationToken: ct)) rows.Add(row);
        return rows;
    }

    /// <summary>Authorized → captured or voided, conditioned on the ETag read, so a capture and a
    /// void racing for one charge cannot both succeed.</summary>
    private async Task SettleAsync(string chargeId, string target, string opposite, CancellationToken ct)
    {
        while (true)
        {
            var read = await _table.GetEntityIfExistsAsync<SandboxChargeEntity>(chargeId, SandboxChargeEntity.Row, cancellationToken: ct);
            if (!read.HasValue) return; // never authorized
            var charge = read.Value!;
            if (charge.State == target) return;
            if (charge.State == opposite)
                throw new InvalidOperationException($"Charge {chargeId} is {opposite}; it cannot become {target}.");
            charge.State = target;
            if (target == SandboxChargeEntity.Captured) charge.CapturedAt = time.GetUtcNow();
            else charge.VoidedAt = time.GetUtcNow();
            try
            {
                await _table.UpdateEntityAsync(charge, charge.ETag, TableUpdateMode.Replace, ct);
                return;
            }
            catch (RequestFailedException e) when (StorageErrors.IsConflict(e)) { }
        }
    }
}

public sealed class SandboxChargeEntity : ITableEntity
{
    public const string Row = "charge";
    public const string Authorized = "authorized";
    public const string Captured = "captured";
    public const string Voided = "voided";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string Brand { get; set; } = "";
    public string Last4 { get; set; } = "";
    public string State { get; set; } = Authorized;
    public string PurchaseId { get; set; } = "";
    public string ShareRowKey { get; set; } = "";
    public DateTimeOffset AuthorizedAt { get; set; }
    public DateTimeOffset? CapturedAt { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    /// <summary>The sum of this charge's refunds, kept with them so a refund can never exceed the capture.</summary>
    public long RefundedAmount { get; set; }
}

/// <summary>One refund of a captured charge, beside it in the charge's partition (RowKey <c>refund-{refundId}</c>).</summary>
public sealed class SandboxRefundEntity : ITableEntity
{
    public const string RowPrefix = "refund-";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string RefundId { get; set; } = "";
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string PurchaseId { get; set; } = "";
    public string ShareRowKey { get; set; } = "";
    public DateTimeOffset RefundedAt { get; set; }

    public static string RowKeyFor(string refundId) => RowPrefix + refundId;
}
