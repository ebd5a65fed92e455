using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;

namespace PledgFunctions.Shares;

/// <summary><c>POST /api/shares/{shareToken}/pay</c>. The share, the purchase (its paid count, and
/// SUCCESSFULL when this is the last share) and the charge decision change in one entity-group
/// transaction conditioned on both ETags: of many concurrent pays exactly one commits, and every
/// other authorization is voided.</summary>
public static class PayShare
{
    public sealed record Services(PurchaseTable Purchases, TransitionCommitter Commits, ChargeFlow Charges, LifecycleSignals Lifecycle, TimeProvider Time);

    public static async Task<Results<Ok<PayResult>, ProblemHttpResult>> HandleAsync(
        string shareToken, HttpRequest request, [AsParameters] Services services, CancellationToken ct)
    {
        var (card, invalid) = ReadCard(await JsonBody.ReadAsync(request, ct), services.Time.GetUtcNow());
        if (await SharesApi.FindAsync(shareToken, services.Purchases, ct) is not var (purchase, share)) return ApiProblem.NotFound("share");
        if ((invalid ?? Refusal(purchase, share, services.Time.GetUtcNow())) is { } refusal) return refusal;

        // The nudge announces the authorization before the card is touched: a crash anywhere after
        // it leaves the orchestration knowing which authorization to settle. Only once the read has
        // matched the token's secret: the purchase id half of a token is not secret, and a forged
        // token must neither write an announcement nor call the engine.
        var authorizationKey = ChargeFlow.NewAuthorizationKey();
        await services.Lifecycle.NudgeAsync(purchase.PartitionKey, Nudge.ForCharge(authorizationKey), ct);
        var outcome = await services.Charges.RunAsync(
            new AuthorizationRequest(share.Amount, purchase.Currency, card!, purchase.PartitionKey, share.RowKey), authorizationKey,
            chargeId => CommitAsync((purchase, share), card!, authorizationKey, chargeId, services, ct), ct);
        return outcome switch
        {
            ChargeOutcome<PayResult>.Committed committed => TypedResults.Ok(committed.Value),
            ChargeOutcome<PayResult>.Declined declined => declined.Problem,
            _ => ((ChargeOutcome<PayResult>.Rejected)outcome).Problem,
        };
    }

    /// <summary>The card of a pay body, or the problem to answer once the share is found (an unknown
    /// share is a 404 whatever its body).</summary>
    private static (ValidCard? Card, ProblemHttpResult? Problem) ReadCard(byte[]? body, DateTimeOffset now)
    {
        if (body is null) return (null, JsonBody.TooLarge());
        if (!JsonBody.TryParse<PayRequest>(body, optional: false, out var input, out var problem)) return (null, problem);
        var errors = new Dictionary<string, string[]>();
        var card = CardValidation.Validate(input!.Card, now, errors);
        return errors.Count > 0 ? (null, ApiProblem.Validation(errors)) : (card, null);
    }

    /// <summary>Paid shares answer share_already_paid whatever the purchase's state; otherwise a
    /// final or overdue purchase is not modifiable (decided by the clock, not by the timer).</summary>
    private static ProblemHttpResult? Refusal(PurchaseEntity purchase, ShareEntity share, DateTimeOffset now) =>
        PurchaseRules.CheckPay(purchase, share, now) switch
        {
            PayCheck.AlreadyPaid => ApiProblem.ShareAlreadyPaid(),
            PayCheck.NotModifiable => ApiProblem.NotModifiable(PurchaseRules.Effective(purchase, now).State == PurchaseStates.Initialized
                ? "This share can no longer be paid." : $"The purchase is {PurchaseRules.Effective(purchase, now).State}; this share can no longer be paid."),
            _ => null,
        };

    /// <summary>The first attempt commits against the rows read before authorizing (their ETags
    /// still guard it); after a conflict every attempt re-reads.</summary>
    private static async Task<Commit<PayResult>> CommitAsync((PurchaseEntity, ShareEntity) read, ValidCard card, string authorizationKey, string chargeId,
        Services services, CancellationToken ct)
    {
        var (purchaseId, index) = (read.Item1.PartitionKey, read.Item2.Index);
        for (var attempt = 0; ; attempt++)
        {
            var (purchase, share) = attempt == 0 ? read : await services.Purchases.GetWithShareAsync(purchaseId, index, ct);
            if (purchase is null || share is null) throw new InvalidOperationException($"Share {index} of {purchaseId} vanished.");
            if (share.ChargeId == chargeId) // our own earlier attempt landed (a retry of a commit that did go through)
                return new Commit<PayResult>.Done(new PayResult(share.State, purchase.State));
            var now = services.Time.GetUtcNow();
            if (Refusal(purchase, share, now) is { } refused) return new Commit<PayResult>.Rejected(refused);
            if (attempt >= 20) throw new InvalidOperationException($"Paying share {index} of {purchaseId} kept conflicting.");

            share.State = PurchaseStates.Succeeded;
            share.PaidAt = now;
            share.ChargeId = chargeId;
            share.AuthorizationKey = authorizationKey;
            share.CardBrand = card.Brand;
            share.CardLast4 = card.Last4;
            var last = PurchaseRules.IsLastPayment(purchase);
            purchase.PaidShareCount++;
            if (last) Transitions.MarkSucceeded(purchase, now);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateReplace, share, share.ETag),
                new(TableTransactionActionType.UpdateReplace, purchase, purchase.ETag),
                new(TableTransactionActionType.Add, new ChargeEntity
                {
                    PartitionKey = purchaseId, RowKey = ChargeEntity.RowKeyFor(chargeId), ShareRowKey = share.RowKey, Amount = share.Amount,
                    Outcome = ChargeEntity.Committed, CardBrand = card.Brand, CardLast4 = card.Last4, DecidedAt = now,
                }),
            };
            actions.Add(PaymentsLedger.ChargeRow(purchase, share, PaymentReasons.Share, chargeId, now));
            Transitions.AddSharePaid(purchase, share, actions, now);
            var change = Transitions.WithEvent(purchase, actions, now);
            try
            {
                await services.Commits.SubmitAsync(change, ct);
                return new Commit<PayResult>.Done(new PayResult(share.State, purchase.State));
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                // Another share was paid (purchase ETag), this one was (share ETag), the deadline
                // fired, or recovery voided our authorization: re-read and decide again.
                if (await services.Purchases.GetChargeAsync(purchaseId, chargeId, ct) is { Outcome: ChargeEntity.Voided })
                    return new Commit<PayResult>.Rejected(ApiProblem.PaymentInterrupted());
            }
        }
    }
}
