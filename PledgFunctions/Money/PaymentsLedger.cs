using Azure.Data.Tables;
using PledgFunctions.Storage;

namespace PledgFunctions.Money;

/// <summary>Reads and writes the payments ledger of a purchase partition. Every row lands in one
/// entity-group transaction with the purchase row's totals (conditioned on its ETag), so
/// collectedAmount and the ledger always agree.</summary>
public sealed class PaymentsLedger(PurchaseTable purchases, TimeProvider time)
{
    /// <summary>The charge row of a pledge or share payment, for the commit's own transaction. A
    /// charge is listed from its commit: the commit is the decision, and the capture that follows is
    /// guaranteed (the request captures, and the orchestration's settlement captures whatever a
    /// crash left authorized), so the row never lists money that will not move.</summary>
    public static TableTransactionAction ChargeRow(PurchaseEntity p, ShareEntity share, string reason, string chargeId, DateTimeOffset now)
    {
        p.ChargedAmount += share.Index == 0 ? p.Amount : share.Amount;
        var id = PaymentIds.For(p.PartitionKey, PaymentEntity.Charge, share.RowKey, reason);
        return new TableTransactionAction(TableTransactionActionType.Add, new PaymentEntity
        {
            PartitionKey = p.PartitionKey, RowKey = PaymentEntity.RowKeyFor(id), PaymentId = id, Type = PaymentEntity.Charge, Reason = reason,
            ShareRowKey = share.RowKey, CauseRowKey = share.RowKey, Email = share.Email, Amount = share.Index == 0 ? p.Amount : share.Amount,
            Currency = p.Currency, CardLast4 = share.CardLast4, ChargeId = chargeId, CreatedAt = now,
        });
    }

    /// <summary>Oldest first; a charge before the refunds it caused when they share an instant.</summary>
    public async Task<IReadOnlyList<PaymentEntity>> ListAsync(string purchaseId, CancellationToken ct)
    {
        var rows = new List<PaymentEntity>();
        await foreach (var row in purchases.QueryPartitionAsync<PaymentEntity>(purchaseId, PaymentEntity.RowPrefix, ct)) rows.Add(row);
        return rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Type == PaymentEntity.Charge ? 0 : 1).ThenBy(r => r.RowKey, StringComparer.Ordinal).ToList();
    }

    /// <summary>Records a refund the gateway has made: the row and RefundedAmount together.</summary>
    public Task RecordRefundAsync(string purchaseId, DueRefund refund, string refundId, string currency, CancellationToken ct)
    {
        var row = RefundRow(purchaseId, refund, currency);
        row.RefundId = refundId;
        return RecordAsync(purchaseId, row, p => p.RefundedAmount += refund.Amount, ct);
    }

    /// <summary>Records a refund the gateway refused for good: the row (status failed, the gateway's
    /// reason) and RefusedRefundAmount together, so the purchase no longer counts it as money due.
    /// False if the row was there already (a concurrent run recorded it).</summary>
    public Task<bool> RecordRefusedRefundAsync(string purchaseId, DueRefund refund, string reason, string currency, CancellationToken ct)
    {
        var row = RefundRow(purchaseId, refund, currency);
        (row.Status, row.FailureReason) = (PaymentEntity.Failed, reason);
        return RecordAsync(purchaseId, row, p => p.RefusedRefundAmount += refund.Amount, ct);
    }

    /// <summary>The row and the purchase's totals in one transaction on the purchase's ETag. A 409 (the
    /// row is there: a retry after a crash, or a concurrent run) or 412 (the purchase changed) re-reads
    /// and decides again. False if the row was there already.</summary>
    private async Task<bool> RecordAsync(string purchaseId, PaymentEntity row, Action<PurchaseEntity> addToTotals, CancellationToken ct)
    {
        while (true)
        {
            var purchase = await purchases.GetPurchaseAsync(purchaseId, ct) ?? throw new InvalidOperationException($"Purchase {purchaseId} vanished.");
            addToTotals(purchase);
            try
            {
                await purchases.SubmitAsync([new(TableTransactionActionType.UpdateReplace, purchase, purchase.ETag), new(TableTransactionActionType.Add, row)], ct);
                return true;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                if (await purchases.GetAsync<PaymentEntity>(purchaseId, row.RowKey, ct) is not null) return false;
            }
        }
    }

    private PaymentEntity RefundRow(string purchaseId, DueRefund refund, string currency) => new()
    {
        PartitionKey = purchaseId, RowKey = PaymentEntity.RowKeyFor(refund.PaymentId), PaymentId = refund.PaymentId, Type = PaymentEntity.Refund,
        Reason = refund.Reason, ShareRowKey = refund.ShareRowKey, CauseRowKey = refund.CauseRowKey, Email = refund.Email, Amount = refund.Amount,
        Currency = currency, CardLast4 = refund.CardLast4, ChargeId = refund.ChargeId, CreatedAt = time.GetUtcNow(),
    };
}

/// <summary>The contract's Payment (<c>GET /api/purchases/{id}/payments</c>).</summary>
public sealed record PaymentView(string Id, string Type, string Email, long Amount, string Currency, string Reason, string? CardLast4, DateTimeOffset CreatedAt,
    string Status, string? FailureReason)
{
    public static PaymentView From(PaymentEntity p) => new(p.PaymentId, p.Type, p.Email, p.Amount, p.Currency, p.Reason, p.CardLast4, p.CreatedAt,
        p.Status ?? PaymentEntity.Succeeded, p.FailureReason);
}

/// <summary>A page of the payments list; <c>nextCursor</c> is null on the last page.</summary>
public sealed record PaymentList(IReadOnlyList<PaymentView> Items, string? NextCursor);
