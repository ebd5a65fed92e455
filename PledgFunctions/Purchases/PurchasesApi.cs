using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary>The merchant API: <c>/api/purchases</c>, authenticated with a Bearer API key.</summary>
public static class PurchasesApi
{
    public static IEndpointRouteBuilder MapPurchases(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/purchases").RequireMerchant().WithTags("Purchases")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/", CreatePurchase.HandleAsync).WithName("CreatePurchase")
            .WithSummary("Create a purchase")
            .WithDescription("Optional header Idempotency-Key (1-255 visible ASCII characters): the same key and body replay the first response.")
            .Accepts<CreatePurchaseRequest>("application/json")
            .Produces<PurchaseView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListPurchases.HandleAsync).WithName("ListPurchases").WithSummary("List purchases, newest first");
        group.MapGet("/{id}", GetAsync).WithName("GetPurchase").WithSummary("Get a purchase");
        group.MapGet("/{id}/status", GetStatusAsync).WithName("GetPurchaseStatus").WithSummary("Get a purchase's state");
        group.MapPost("/{id}/cancel", CancelPurchase.HandleAsync).WithName("CancelPurchase")
            .WithSummary("Cancel a purchase before the organizer has paid")
            .Accepts<CancelPurchaseRequest>("application/json");
        group.MapPost("/{id}/refund", RefundPurchase.HandleAsync).WithName("RefundPurchase")
            .WithSummary("Refund every member of a SUCCESSFULL purchase")
            .WithDescription("202 with refundStatus pending; the refunds are made in the background, then refundStatus is succeeded, " +
                "collectedAmount is 0 and the purchase.refunded event is sent.")
            .WithMetadata(MutatingMerchantCall.Instance)
            .Accepts<RefundPurchaseRequest>("application/json")
            .Produces<PurchaseView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{id}/payments", PaymentsList.HandleAsync).WithName("ListPayments")
            .WithSummary("The purchase's money movements, oldest first")
            .Produces<PaymentList>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public static async Task<Results<Ok<PurchaseView>, ProblemHttpResult>> GetAsync(
        string id, Merchant merchant, PurchaseTable purchases, DeadlineEnforcer deadlines, TimeProvider time, CancellationToken ct)
    {
        var purchase = await FindAsync(id, merchant, purchases, ct);
        if (purchase is null) return ApiProblem.NotFound("purchase");
        purchase = await deadlines.EnforceAsync(purchase, ct);
        return TypedResults.Ok(PurchaseView.From(purchase, time.GetUtcNow()));
    }

    public static async Task<Results<Ok<StatusView>, ProblemHttpResult>> GetStatusAsync(
        string id, Merchant merchant, PurchaseTable purchases, DeadlineEnforcer deadlines, TimeProvider time, CancellationToken ct)
    {
        var purchase = await FindAsync(id, merchant, purchases, ct);
        if (purchase is null) return ApiProblem.NotFound("purchase");
        purchase = await deadlines.EnforceAsync(purchase, ct);
        return TypedResults.Ok(new StatusView(PurchaseRules.Effective(purchase, time.GetUtcNow()).State));
    }

    /// <summary>Another merchant's purchase is indistinguishable from a missing one.</summary>
    internal static async Task<PurchaseEntity?> FindAsync(string id, Merchant merchant, PurchaseTable purchases, CancellationToken ct)
    {
        if (!PurchaseKeys.IsPurchaseId(id)) return null;
        var purchase = await purchases.GetPurchaseAsync(id, ct);
        return purchase?.MerchantId == merchant.Id ? purchase : null;
    }
}
