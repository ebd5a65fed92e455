using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary><c>POST /api/purchases/{id}/cancel</c>: INITIALIZED, before or after the organizer paid →
/// FAILED (cancelled) with the unpaid shares, in one transaction conditioned on the purchase's and
/// the shares' ETags: a racing last payment or deadline makes it fail, and it decides again. The
/// purchase's orchestration then refunds every payment (<see cref="SettleMoney"/>).</summary>
public static class CancelPurchase
{
    public const int MaxReasonLength = 500;

    public static async Task<Results<Ok<PurchaseView>, ProblemHttpResult>> HandleAsync(
        string id, HttpRequest request, Merchant merchant, PurchaseTable purchases, TransitionCommitter commits, LifecycleSignals lifecycle,
        PurchaseFaults faults,
        TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(request, ct);
        if (body is null) return JsonBody.TooLarge();
        if (!JsonBody.TryParse<CancelPurchaseRequest>(body, optional: true, out var input, out var problem)) return problem!;
        if (input?.Reason is { Length: > MaxReasonLength })
            return ApiProblem.Validation("reason", $"At most {MaxReasonLength} characters.");

        // A concurrent pledge, cancel or deadline makes our conditional write fail: re-read and decide
        // again. A conflict can also be our own write, landed and then retried by the storage SDK:
        // the request id on the row recognises it.
        var requestId = Guid.NewGuid().ToString("N");
        while (true)
        {
            var purchase = await PurchasesApi.FindAsync(id, merchant, purchases, ct);
            if (purchase is null) return ApiProblem.NotFound("purchase");
            var now = time.GetUtcNow();
            if (purchase.LastRequestId == requestId) return TypedResults.Ok(PurchaseView.From(purchase, now));
            if (PurchaseRules.WhyNotCancellable(purchase, now) is { } why) return ApiProblem.NotModifiable(why);
            // Unpaid shares fail in the same transaction; the shares are read only once pledged.
            IReadOnlyList<ShareEntity> shares = purchase.PledgedAt is null ? [] : (await purchases.GetWithSharesAsync(id, ct))?.Shares ?? [];

            // Before the commit, so the orchestration follows the cancel even if we die right after it.
            await lifecycle.NudgeAsync(purchase.PartitionKey, Nudge.ForCancel(), ct);
            if (faults.BeforeCancelCommit is { } hold) await hold(id);
            purchase.CancelReason = input?.Reason;
            purchase.LastRequestId = requestId;
            var change = Transitions.Fail(purchase, shares, FailureReasons.Cancelled, now, now);
            try
            {
                await commits.SubmitAsync(change, ct);
                faults.AfterCommit?.Invoke(id);
                return TypedResults.Ok(PurchaseView.From(purchase, now));
            }
            catch (Exception e) when (StorageErrors.IsConflict(e)) { }
        }
    }
}

public sealed record CancelPurchaseRequest(string? Reason);
