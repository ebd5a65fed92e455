using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.OpenApi;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Shares;

/// <summary>The pledger's hosted-page API. The share token in the path is the only credential.</summary>
public static class SharesApi
{
    public static IEndpointRouteBuilder MapShares(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/shares/{shareToken}").WithTags("Shares (hosted page)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", GetAsync).WithName("GetShare").WithSummary("What a pledger owes");
        group.MapPost("/pay", PayShare.HandleAsync).WithName("PayShare")
            .WithSummary("Reimburse the share with a card")
            .Accepts<PayRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblemCodes(StatusCodes.Status409Conflict, ProblemCodes.ShareAlreadyPaid, ProblemCodes.PurchaseNotModifiable)
            .ProducesProblemCodes(StatusCodes.Status503ServiceUnavailable, ProblemCodes.StorageUnavailable, ProblemCodes.PaymentInterrupted);
        return routes;
    }

    public static async Task<Results<Ok<ShareDetails>, ProblemHttpResult>> GetAsync(
        string shareToken, PurchaseTable purchases, DeadlineEnforcer deadlines, PaymentsLedger ledger, TimeProvider time, CancellationToken ct)
    {
        var found = await FindAsync(shareToken, purchases, ct);
        if (found is not var (purchase, share)) return ApiProblem.NotFound("share");
        if (PurchaseRules.IsOverdue(purchase, time.GetUtcNow()) && await deadlines.ReadAsync(purchase.PartitionKey, ct) is { } enforced)
            (purchase, share) = (enforced.Purchase, enforced.Shares.First(s => s.RowKey == share.RowKey));
        // Only a paid share of a failed purchase has refunds to show.
        var refunded = share.ChargeId is null || purchase.State != PurchaseStates.Failed ? 0
            : (await ledger.ListAsync(purchase.PartitionKey, ct)).Where(r => r.ShareRowKey == share.RowKey && r.Type == PaymentEntity.Refund).Sum(r => r.Amount);
        return TypedResults.Ok(ShareDetails.From(purchase, share, refunded, time.GetUtcNow()));
    }

    /// <summary>One read of the purchase row and the share row; the token must match the stored one.</summary>
    internal static async Task<(PurchaseEntity, ShareEntity)?> FindAsync(string shareToken, PurchaseTable purchases, CancellationToken ct)
    {
        if (!PurchaseKeys.TryParseShareToken(shareToken, out var purchaseId, out var index) || index == 0) return null;
        var (purchase, share) = await purchases.GetWithShareAsync(purchaseId, index, ct);
        if (purchase is null || share is null || !PurchaseKeys.TokenEquals(share.Token, shareToken)) return null;
        return (purchase, share);
    }
}

public sealed record PayRequest(CardInput? Card);

public sealed record PayResult(string State, string PurchaseState);

/// <summary>What the pledger's page shows (<c>GET /api/shares/{shareToken}</c>).</summary>
public sealed record ShareDetails(
    string Email, long Amount, string Currency, string State, string OrganizerEmail, string MerchantName,
    DateTimeOffset Deadline, string PurchaseState, string? FailureReason, DateTimeOffset? PaidAt, string? CardLast4, long RefundedAmount)
{
    public static ShareDetails From(PurchaseEntity p, ShareEntity s, long refundedAmount, DateTimeOffset now)
    {
        var effective = PurchaseRules.Effective(p, now);
        return new ShareDetails(s.Email, s.Amount, p.Currency, PurchaseRules.EffectiveShareState(p, s, now), p.OrganizerEmail,
            p.MerchantName, p.Deadline, effective.State, effective.FailureReason, s.PaidAt, s.CardLast4, refundedAmount);
    }
}
