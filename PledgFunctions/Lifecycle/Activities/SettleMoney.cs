using Microsoft.DurableTask;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Lifecycle;

/// <summary>What the money of a purchase looks like after <see cref="SettleMoney"/>: whose refund
/// request landed, how far it is, and its purchase.refunded events still to deliver.</summary>
public sealed record MoneySettlement(string? RefundRequestId, string? RefundStatus, IReadOnlyList<string> RefundEvents);

/// <summary>Makes every refund the purchase's state calls for (<see cref="MoneyPlan"/>) that the
/// payments ledger lacks, then marks a merchant refund succeeded with its purchase.refunded event
/// (one transaction). Idempotent and safe to run twice at once: each refund's gateway idempotency
/// key is its movement id, so a crash between the gateway's refund and the ledger row, or a
/// concurrent run, only repeats a no-op; the ledger row's insert is the second guard.</summary>
public sealed class SettleMoney(PurchaseTable purchases, PaymentsLedger ledger, ICardGateway gateway, TransitionCommitter commits,
    TimeProvider time, ILogger<SettleMoney> logger) : TaskActivity<string, MoneySettlement>
{
    /// <summary>Storage or gateway trouble only delays the money: retried for about 15 minutes, then
    /// the orchestration continues as new and tries again (<see cref="PurchaseLifecycle.StorageRetry"/>).</summary>
    public static readonly TaskOptions Retry = PurchaseLifecycle.StorageRetry;

    /// <summary>A few quick tries (about 15 s), for a purchase whose deadline must not wait on them.</summary>
    public static readonly TaskOptions RetryWhileOpen = ActivityRetries.Transient(5, TimeSpan.FromSeconds(1));

    public override Task<MoneySettlement> RunAsync(TaskActivityContext context, string purchaseId) => SettleAsync(purchaseId, CancellationToken.None);

    public async Task<MoneySettlement> SettleAsync(string purchaseId, CancellationToken ct)
    {
        var found = await purchases.GetWithSharesAsync(purchaseId, ct);
        if (found is null) return new MoneySettlement(null, null, []);
        var purchase = await MakeRefundsAsync(found, ct);
        // purchase.refunded is written only when a merchant refund completes: none without a request.
        return new MoneySettlement(purchase.RefundRequestId, purchase.RefundStatus,
            purchase.RefundRequestId is null ? [] : await RefundEventsAsync(purchaseId, ct));
    }

    /// <summary>The refunds of a purchase just read, e.g. by the observation that makes the first try
    /// (one read less per look). A read moments old is safe: the refunds a state calls for only grow
    /// as it moves on (a share paid, FAILED, a merchant refund), so such a plan misses at most what
    /// the next look makes, and the ledger row's insert stops any refund made twice. Returns the
    /// purchase, its merchant refund marked succeeded if this completed it.</summary>
    public async Task<PurchaseEntity> MakeRefundsAsync(PurchaseWithShares found, CancellationToken ct)
    {
        var purchaseId = found.Purchase.PartitionKey;
        var made = (await ledger.ListAsync(purchaseId, ct)).Select(r => r.PaymentId).ToHashSet();
        foreach (var refund in MoneyPlan.Refunds(found.Purchase, found.Shares).Where(r => !made.Contains(r.PaymentId)))
        {
            string refundId;
            try
            {
                refundId = await RefundCapturedAsync(refund, ct);
            }
            catch (RefundRefusedException e)
            {
                await RecordRefusedAsync(purchaseId, refund, e.Message, found.Purchase.Currency, ct);
                continue;
            }
            await ledger.RecordRefundAsync(purchaseId, refund, refundId, found.Purchase.Currency, ct);
            logger.LogInformation("Refunded {Amount} to {ShareRowKey} of {PurchaseId} ({Reason})", refund.Amount, refund.ShareRowKey, purchaseId, refund.Reason);
        }
        return found.Purchase.RefundStatus == RefundStatuses.Pending ? await CompleteRefundAsync(purchaseId, ct) : found.Purchase;
    }

    /// <summary>The commit decided the charge, so its capture is guaranteed and idempotent; the
    /// request that made it may not have got there yet. Made here only when the gateway says so:
    /// nearly always it is done, and asking first cost a gateway call per refund.</summary>
    private async Task<string> RefundCapturedAsync(DueRefund refund, CancellationToken ct)
    {
        try
        {
            return await gateway.RefundAsync(refund.ChargeId, refund.Amount, refund.PaymentId, ct);
        }
        catch (ChargeNotCapturedException)
        {
            await gateway.CaptureAsync(refund.ChargeId, ct);
            return await gateway.RefundAsync(refund.ChargeId, refund.Amount, refund.PaymentId, ct);
        }
    }

    /// <summary>The gateway said no for good (a closed card, a charge it will not refund): trying again
    /// would get the same answer, so the refund is recorded failed, where the merchant sees it (its
    /// payment, status failed) and is never tried again; counted and logged for an operator once, by
    /// whichever run recorded it.</summary>
    private async Task RecordRefusedAsync(string purchaseId, DueRefund refund, string reason, string currency, CancellationToken ct)
    {
        if (!await ledger.RecordRefusedRefundAsync(purchaseId, refund, reason, currency, ct)) return;
        PledgMetrics.PaymentFailed(PaymentFailures.RefundRefused);
        logger.LogError("Refund {PaymentId} of {Amount} to {ShareRowKey} of {PurchaseId} ({Reason}) refused by the card network for good: {Refusal}",
            refund.PaymentId, refund.Amount, refund.ShareRowKey, purchaseId, refund.Reason, reason);
    }

    /// <summary>Every refund of the merchant refund is in the ledger (made above or by a concurrent
    /// run): pending → succeeded, conditioned on the ETag read.</summary>
    private async Task<PurchaseEntity> CompleteRefundAsync(string purchaseId, CancellationToken ct)
    {
        while (true)
        {
            var purchase = await purchases.GetPurchaseAsync(purchaseId, ct) ?? throw new InvalidOperationException($"Purchase {purchaseId} vanished.");
            // A refused refund leaves the merchant refund pending: its failed payment says why.
            if (purchase.RefundStatus != RefundStatuses.Pending || purchase.RefusedRefundAmount > 0) return purchase;
            if (purchase.RefundedAmount != MoneyPlan.RefundsOwed(purchase))
                throw new InvalidOperationException($"Purchase {purchaseId} has {purchase.RefundedAmount} refunded of {MoneyPlan.RefundsOwed(purchase)} owed.");
            try
            {
                await commits.SubmitAsync(Transitions.Refunded(purchase, time.GetUtcNow()), ct);
                return purchase;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e)) { }
        }
    }

    private async Task<List<string>> RefundEventsAsync(string purchaseId, CancellationToken ct)
    {
        var events = new List<string>();
        await foreach (var row in purchases.QueryPartitionAsync<EventEntity>(purchaseId, EventEntity.RowPrefix, ct))
            if (row.Status == EventEntity.Pending && row.Type == Transitions.RefundedEvent) events.Add(row.EventId);
        return events;
    }
}
