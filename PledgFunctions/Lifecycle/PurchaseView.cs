using System.Text.Json;
using PledgFunctions.Errors;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <summary>The contract's Purchase, as the merchant API and webhook events show it.</summary>
public sealed record PurchaseView(
    string Id,
    string State,
    string PaymentUrl,
    string OrganizerEmail,
    IReadOnlyList<string> PledgerEmails,
    long Amount,
    string Currency,
    IReadOnlyList<CartItem>? Cart,
    string? Reference,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? CompletedAt,
    string? FailureReason,
    long CollectedAmount,
    string? RefundStatus,
    string? NotificationUrl,
    bool NotifyPledgers,
    string Locale)
{
    /// <summary>The purchase as it truly is at <paramref name="now"/> (see <see cref="PurchaseRules.Effective"/>).</summary>
    public static PurchaseView From(PurchaseEntity p, DateTimeOffset now)
    {
        var effective = PurchaseRules.Effective(p, now);
        return new PurchaseView(
            p.PartitionKey, effective.State, PaymentUrlOf(p), p.OrganizerEmail, PledgerEmailsOf(p), p.Amount, p.Currency,
            CartOf(p), p.Reference, p.CreatedAt, p.Deadline, effective.CompletedAt, effective.FailureReason,
            MoneyPlan.Collected(p), p.RefundStatus, p.NotificationUrl, p.NotifyPledgers, p.Locale);
    }

    public static string PaymentUrlOf(PurchaseEntity p) => $"{p.BaseUrl}/pay/{p.OrganizerToken}";

    public static string ShareUrlOf(PurchaseEntity p, ShareEntity share) => $"{p.BaseUrl}/pay/share/{share.Token}";

    public static IReadOnlyList<CartItem>? CartOf(PurchaseEntity p) =>
        p.CartJson is null ? null : JsonSerializer.Deserialize<List<CartItem>>(p.CartJson, JsonBody.Options);

    public static IReadOnlyList<string> PledgerEmailsOf(PurchaseEntity p) =>
        p.PledgerEmailsJson is null ? [] : JsonSerializer.Deserialize<List<string>>(p.PledgerEmailsJson, JsonBody.Options) ?? [];
}

public sealed record CartItem(string? Name, long? Quantity, long? UnitAmount);

public sealed record StatusView(string State);
