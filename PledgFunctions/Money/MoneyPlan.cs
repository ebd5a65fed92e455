using PledgFunctions.Storage;

namespace PledgFunctions.Money;

/// <summary>A refund the purchase's state calls for, against the charge of the member it gives back to.</summary>
public sealed record DueRefund(string PaymentId, string Reason, string ShareRowKey, string CauseRowKey, string Email, string ChargeId,
    string? CardLast4, long Amount);

/// <summary>The money rules of the contract as pure functions of the purchase row and its shares.
/// Every amount depends only on the state, never on which refunds were made first, so two runs
/// that race (the purchase's orchestration and a merchant refund's) plan the same movements with
/// the same ids, and the gateway's idempotency makes the second a no-op.
/// <list type="bullet">
/// <item>Each paid pledger share: the organizer is reimbursed that share (reason reimbursement).</item>
/// <item>FAILED: the organizer gets back what the reimbursements left (amount − paid pledger shares),
/// each paid pledger their share (purchase_failed).</item>
/// <item>A merchant refund of a SUCCESSFULL purchase: each member their share (merchant_refund).</item>
/// </list></summary>
public static class MoneyPlan
{
    public static IReadOnlyList<DueRefund> Refunds(PurchaseEntity p, IReadOnlyList<ShareEntity> shares)
    {
        var organizer = shares.FirstOrDefault(s => s.Index == 0);
        if (p.PledgedAt is null || organizer?.ChargeId is null) return [];
        var paidPledgers = shares.Where(s => s.Index > 0 && s.State == PurchaseStates.Succeeded && s.ChargeId is not null).ToList();
        var due = paidPledgers.Select(s => Refund(p, PaymentReasons.Reimbursement, organizer, s, s.Amount)).ToList();
        if (p.State == PurchaseStates.Failed)
        {
            due.Add(Refund(p, PaymentReasons.PurchaseFailed, organizer, organizer, p.Amount - paidPledgers.Sum(s => s.Amount)));
            due.AddRange(paidPledgers.Select(s => Refund(p, PaymentReasons.PurchaseFailed, s, s, s.Amount)));
        }
        else if (p.State == PurchaseStates.Succeeded && p.RefundStatus is not null)
        {
            due.AddRange(shares.Where(s => s.ChargeId is not null).Select(s => Refund(p, PaymentReasons.MerchantRefund, s, s, s.Amount)));
        }
        return due.Where(r => r.Amount > 0).ToList();
    }

    /// <summary>What the purchase's refunds must add up to once every due refund is made.</summary>
    public static long RefundsOwed(PurchaseEntity p) =>
        p.PledgedAt is null ? 0
        : p.State == PurchaseStates.Failed || p.RefundStatus is not null ? p.ChargedAmount
        : Math.Max(0, p.ChargedAmount - p.Amount);

    /// <summary>True while a refund the state calls for is neither made nor refused for good, or a
    /// merchant refund none of whose refunds was refused is not yet marked done.</summary>
    public static bool IsMoneyDue(PurchaseEntity p) =>
        p.RefundedAmount + p.RefusedRefundAmount < RefundsOwed(p) || p.RefundStatus == RefundStatuses.Pending && p.RefusedRefundAmount == 0;

    /// <summary>The contract's collectedAmount: every captured charge minus every refund.</summary>
    public static long Collected(PurchaseEntity p) => p.ChargedAmount - p.RefundedAmount;

    private static DueRefund Refund(PurchaseEntity p, string reason, ShareEntity to, ShareEntity cause, long amount) =>
        new(PaymentIds.For(p.PartitionKey, PaymentEntity.Refund, cause.RowKey, reason), reason, to.RowKey, cause.RowKey, to.Email,
            to.ChargeId!, to.CardLast4, amount);
}
