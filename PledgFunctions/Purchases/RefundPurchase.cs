using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary><c>POST /api/purchases/{id}/refund</c>: a SUCCESSFULL purchase's money goes back to every
/// member. The request starts its own <see cref="MerchantRefund"/> orchestration first, then commits
/// refundStatus pending naming itself (ETag-conditioned): the orchestration makes the refunds once it
/// sees that commit, and ends doing nothing if the commit never lands or another request's did.</summary>
public static class RefundPurchase
{
    public const int MaxReasonLength = 500;

    public static async Task<Results<Accepted<PurchaseView>, ProblemHttpResult>> HandleAsync(
        string id, HttpRequest request, Merchant merchant, PurchaseTable purchases, DeadlineEnforcer deadlines, LifecycleSignals lifecycle,
        PurchaseFaults faults, TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(request, ct);
        if (body is null) return JsonBody.TooLarge();
        if (!JsonBody.TryParse<RefundPurchaseRequest>(body, optional: true, out var input, out var problem)) return problem!;
        if (input?.Reason is { Length: > MaxReasonLength })
            return ApiProblem.Validation("reason", $"At most {MaxReasonLength} characters.");

        var requestId = Guid.NewGuid().ToString("N");
        var started = false;
        // A concurrent refund request or a reimbursement being recorded changes the ETag: re-read and decide again.
        while (true)
        {
            var purchase = await PurchasesApi.FindAsync(id, merchant, purchases, ct);
            if (purchase is null) return ApiProblem.NotFound("purchase");
            purchase = await deadlines.EnforceAsync(purchase, ct);
            var now = time.GetUtcNow();
            // Our own commit, landed although its answer was lost (the storage SDK retried it and
            // the retry conflicted): recognise it, as cancel and PATCH do.
            if (started && purchase.RefundRequestId == requestId) return TypedResults.Accepted($"/api/purchases/{id}", PurchaseView.From(purchase, now));
            if (purchase.RefundStatus is not null) return ApiProblem.AlreadyRefunded();
            var state = PurchaseRules.Effective(purchase, now).State;
            if (state != PurchaseStates.Succeeded)
                return ApiProblem.NotModifiable(state == PurchaseStates.Failed
                    ? "The purchase is FAILED; its payments are refunded by the service."
                    : "The purchase is INITIALIZED; cancel it instead.");

            if (!started) await lifecycle.StartRefundAsync(id, requestId, ct);
            started = true;
            purchase.RefundStatus = RefundStatuses.Pending;
            purchase.RefundReason = input?.Reason;
            purchase.RefundRequestId = requestId;
            try
            {
                await purchases.ReplaceAsync(purchase, ct);
                faults.AfterCommit?.Invoke(id);
                return TypedResults.Accepted($"/api/purchases/{id}", PurchaseView.From(purchase, now));
            }
            catch (Exception e) when (StorageErrors.IsConflict(e)) { }
        }
    }
}

public sealed record RefundPurchaseRequest(string? Reason);
