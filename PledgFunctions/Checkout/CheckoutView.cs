using PledgFunctions.Email;
using PledgFunctions.Lifecycle;
using PledgFunctions.Messages;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Checkout;

/// <summary>What the organizer's page needs (<c>GET /api/checkout/{organizerToken}</c>).</summary>
public sealed record CheckoutView(
    string MerchantName,
    long Amount,
    string Currency,
    IReadOnlyList<CartItem>? Cart,
    string OrganizerEmail,
    string State,
    DateTimeOffset Deadline,
    string? FailureReason,
    DateTimeOffset? CompletedAt,
    bool Pledged,
    IReadOnlyList<ShareView> Shares,
    long PaidAmount,
    long ReimbursedAmount,
    long RefundedAmount,
    bool NotifyPledgers)
{
    /// <summary>The organizer's money from the payments ledger: what their card paid, what the
    /// pledgers' payments have given back so far, and what other refunds (a failed or refunded
    /// purchase) have. <c>emailed</c>: whether the service emails this purchase's members (its
    /// notifyPledgers, and email switched on), so the page says who was emailed and when reminded.</summary>
    public static CheckoutView From(PurchaseWithShares pw, IReadOnlyList<PaymentEntity> payments, IReadOnlyList<MessageEntity> messages, bool emailed,
        DateTimeOffset now)
    {
        var p = pw.Purchase;
        var effective = PurchaseRules.Effective(p, now);
        var organizer = payments.Where(r => r.ShareRowKey == ShareEntity.RowKeyFor(0)).ToList();
        long Sum(string type, Func<PaymentEntity, bool> which) => organizer.Where(r => r.Type == type && which(r)).Sum(r => r.Amount);
        return new CheckoutView(p.MerchantName, p.Amount, p.Currency, PurchaseView.CartOf(p), p.OrganizerEmail,
            effective.State, p.Deadline, effective.FailureReason, effective.CompletedAt, p.PledgedAt is not null,
            pw.Shares.Select(s => ShareView.From(p, s, now) with
            {
                EmailedAt = Sent(messages, s.Index, MessageKinds.ShareRequest), LastRemindedAt = Sent(messages, s.Index, MessageKinds.Reminder),
            }).ToList(),
            Sum(PaymentEntity.Charge, _ => true), Sum(PaymentEntity.Refund, r => r.Reason == PaymentReasons.Reimbursement),
            Sum(PaymentEntity.Refund, r => r.Reason != PaymentReasons.Reimbursement), emailed);
    }

    /// <summary>When the member was last sent a message of this kind, if ever.</summary>
    private static DateTimeOffset? Sent(IReadOnlyList<MessageEntity> messages, int share, string kind) =>
        messages.Where(m => m.ShareIndex == share && m.Kind == kind && m.SentAt is not null).Select(m => m.SentAt).Max();
}

/// <summary>A share as the organizer sees it; <c>shareUrl</c> is null on the organizer's own share.
/// On the organizer's page, when the pledger was emailed their link and last reminded (null: not yet, or never).</summary>
public sealed record ShareView(string Email, long Amount, string State, string? ShareUrl, DateTimeOffset? EmailedAt = null, DateTimeOffset? LastRemindedAt = null)
{
    public static ShareView From(PurchaseEntity p, ShareEntity s, DateTimeOffset now) =>
        new(s.Email, s.Amount, PurchaseRules.EffectiveShareState(p, s, now), s.Token is null ? null : PurchaseView.ShareUrlOf(p, s));
}

/// <summary>The answer to a pledge.</summary>
public sealed record PledgeResult(string State, DateTimeOffset Deadline, IReadOnlyList<ShareView> Shares);
