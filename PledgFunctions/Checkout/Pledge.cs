using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PledgFunctions.Errors;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Checkout;

/// <summary><c>POST /api/checkout/{organizerToken}/pledge</c>: the organizer pays the whole cart
/// and names the pledgers. The purchase change, every share and the charge decision land in one
/// entity-group transaction conditioned on the purchase's ETag.</summary>
public static class Pledge
{
    public sealed record Services(PurchaseTable Purchases, TransitionCommitter Commits, ChargeFlow Charges, LifecycleSignals Lifecycle, TimeProvider Time,
        IOptions<PledgOptions> Options);

    public static async Task<Results<Ok<PledgeResult>, ProblemHttpResult>> HandleAsync(
        string organizerToken, HttpRequest request, [AsParameters] Services services, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var (input, card, invalid) = ReadPledge(await JsonBody.ReadAsync(request, ct), services.Time.GetUtcNow(), errors);
        if (await CheckoutApi.FindAsync(organizerToken, services.Purchases, ct) is not { Purchase: var purchase }) return ApiProblem.NotFound("checkout");
        if (invalid is not null) return invalid;
        var amounts = input!.ValidateSplit(purchase.OrganizerEmail, purchase.Amount, errors);
        if (errors.Count > 0) return ApiProblem.Validation(errors);
        if (PurchaseRules.WhyNotBeforePledge(purchase, services.Time.GetUtcNow(), "pledged") is { } why) return ApiProblem.NotModifiable(why);

        // Announced before the card is touched: the orchestration then settles this authorization
        // whatever happens to this request, and follows the new deadline the commit writes. Only
        // once the read has matched the token's secret: the purchase id half of a token is not
        // secret, and a forged token must neither write an announcement nor call the engine.
        var authorizationKey = ChargeFlow.NewAuthorizationKey();
        await services.Lifecycle.NudgeAsync(purchase.PartitionKey, Nudge.ForCharge(authorizationKey), ct);

        var emails = input.Pledgers?.Select(p => p!.Email!).ToList() ?? [];
        var outcome = await services.Charges.RunAsync(
            new AuthorizationRequest(purchase.Amount, purchase.Currency, card!, purchase.PartitionKey, ShareEntity.RowKeyFor(0)), authorizationKey,
            chargeId => CommitAsync(purchase, emails, amounts!, card!, authorizationKey, chargeId, services, ct), ct);

        switch (outcome)
        {
            case ChargeOutcome<PurchaseWithShares>.Committed committed:
                var pw = committed.Value;
                PledgMetrics.PurchasePledged(pw.Shares.Count);
                var now = services.Time.GetUtcNow();
                return TypedResults.Ok(new PledgeResult(PurchaseRules.Effective(pw.Purchase, now).State, pw.Purchase.Deadline,
                    pw.Shares.Select(s => ShareView.From(pw.Purchase, s, now)).ToList()));
            case ChargeOutcome<PurchaseWithShares>.Declined declined:
                return declined.Problem;
            default:
                return ((ChargeOutcome<PurchaseWithShares>.Rejected)outcome).Problem;
        }
    }

    /// <summary>The pledge body and its card, or the problem to answer once the purchase is found
    /// (an unknown checkout is a 404 whatever its body). Card errors stay in <paramref name="errors"/>,
    /// answered with the split's once the purchase's amount is known.</summary>
    private static (PledgeRequest? Input, ValidCard? Card, ProblemHttpResult? Problem) ReadPledge(byte[]? body, DateTimeOffset now,
        Dictionary<string, string[]> errors)
    {
        if (body is null) return (null, null, JsonBody.TooLarge());
        if (!JsonBody.TryParse<PledgeRequest>(body, optional: false, out var input, out var problem)) return (null, null, problem);
        return (input, CardValidation.Validate(input!.Card, now, errors), null);
    }

    /// <summary>The first attempt commits against the purchase read before authorizing (its ETag
    /// still guards it); after a conflict every attempt re-reads.</summary>
    private static async Task<Commit<PurchaseWithShares>> CommitAsync(PurchaseEntity read, List<string> emails, long[] amounts,
        ValidCard card, string authorizationKey, string chargeId, Services services, CancellationToken ct)
    {
        var purchaseId = read.PartitionKey;
        for (var attempt = 0; ; attempt++)
        {
            var purchase = attempt == 0 ? read : await services.Purchases.GetPurchaseAsync(purchaseId, ct)
                ?? throw new InvalidOperationException($"Purchase {purchaseId} vanished.");
            if (purchase.OrganizerChargeId == chargeId) // our own earlier attempt landed (e.g. a retried request)
                return new Commit<PurchaseWithShares>.Done((await services.Purchases.GetWithSharesAsync(purchaseId, ct))!);
            // The organizer was authorized for the amount read; a merchant edit that landed since
            // (PATCH) may have changed it, and the answer must never differ from the charge.
            if (purchase.Amount != read.Amount || purchase.Currency != read.Currency)
                return new Commit<PurchaseWithShares>.Rejected(ApiProblem.NotModifiable(
                    "The merchant changed the purchase while it was being paid; nothing was charged. Reload the page and pay again."));
            // Decided by the clock at commit time: a pledge after the deadline is refused.
            var now = services.Time.GetUtcNow();
            if (PurchaseRules.WhyNotBeforePledge(purchase, now, "pledged") is { } why)
                return new Commit<PurchaseWithShares>.Rejected(ApiProblem.NotModifiable(why));
            if (attempt >= 10) throw new InvalidOperationException($"Pledge of {purchaseId} kept conflicting.");

            var shares = NewShares(purchaseId, emails, purchase.OrganizerEmail, amounts, card, authorizationKey, chargeId, now);
            purchase.PledgedAt = now;
            purchase.Deadline = now + services.Options.Value.PaymentWindow;
            purchase.ShareCount = shares.Count;
            purchase.PaidShareCount = 1;
            purchase.PledgerEmailsJson = JsonSerializer.Serialize(emails, JsonBody.ResponseOptions);
            purchase.OrganizerChargeId = chargeId;
            if (shares.Count == 1) Transitions.MarkSucceeded(purchase, now);

            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, purchase, purchase.ETag) };
            actions.AddRange(shares.Select(s => new TableTransactionAction(TableTransactionActionType.Add, s)));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new ChargeEntity
            {
                PartitionKey = purchaseId, RowKey = ChargeEntity.RowKeyFor(chargeId), ShareRowKey = shares[0].RowKey,
                Amount = purchase.Amount, Outcome = ChargeEntity.Committed, CardBrand = card.Brand, CardLast4 = card.Last4, DecidedAt = now,
            }));
            actions.Add(PaymentsLedger.ChargeRow(purchase, shares[0], PaymentReasons.Pledge, chargeId, now));
            Transitions.AddPledged(purchase, actions, now);
            var change = Transitions.WithEvent(purchase, actions, now);
            try
            {
                await services.Commits.SubmitAsync(change, ct);
                return new Commit<PurchaseWithShares>.Done(new PurchaseWithShares(purchase, shares));
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                if (await services.Purchases.GetChargeAsync(purchaseId, chargeId, ct) is { Outcome: ChargeEntity.Voided })
                    return new Commit<PurchaseWithShares>.Rejected(ApiProblem.PaymentInterrupted());
            }
        }
    }

    private static List<ShareEntity> NewShares(string purchaseId, List<string> emails, string organizerEmail, long[] amounts,
        ValidCard card, string authorizationKey, string chargeId, DateTimeOffset now)
    {
        var shares = new List<ShareEntity>
        {
            new()
            {
                PartitionKey = purchaseId, RowKey = ShareEntity.RowKeyFor(0), Index = 0, Email = organizerEmail, Amount = amounts[0],
                State = PurchaseStates.Succeeded, PaidAt = now, ChargeId = chargeId, AuthorizationKey = authorizationKey, CardBrand = card.Brand, CardLast4 = card.Last4,
            },
        };
        for (var i = 0; i < emails.Count; i++)
            shares.Add(new ShareEntity
            {
                PartitionKey = purchaseId, RowKey = ShareEntity.RowKeyFor(i + 1), Index = i + 1, Email = emails[i], Amount = amounts[i + 1],
                State = PurchaseStates.Initialized, Token = PurchaseKeys.NewShareToken(purchaseId, i + 1),
            });
        return shares;
    }
}
