using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.OpenApi;
using PledgFunctions.OpenApi.Contract;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary>The merchant API: <c>/api/purchases</c>, authenticated with a Bearer API key.</summary>
public static class PurchasesApi
{
    private const string IdempotencyDescription =
        "Optional header Idempotency-Key (1-255 visible ASCII characters): the same key, route and body replay the first response.";

    public static IEndpointRouteBuilder MapPurchases(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/purchases").RequireMerchant().WithTags("Purchases")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/", CreatePurchase.HandleAsync).WithName("CreatePurchase")
            .WithSummary("Create a purchase")
            .WithDescription(IdempotencyDescription)
            .Accepts<CreatePurchaseRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithIdempotency()
            .WithIdempotencyKey();
        group.MapGet("/", ListPurchases.HandleAsync).WithName("ListPurchases").WithSummary("List purchases, newest first")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync).WithName("GetPurchase").WithSummary("Get a purchase")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/status", GetStatusAsync).WithName("GetPurchaseStatus").WithSummary("Get a purchase's state")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", EditPurchase.HandleAsync).WithName("EditPurchase")
            .WithSummary("Edit a purchase before the organizer pays")
            .WithDescription("Any of amount, currency, cart, reference, notificationUrl; null clears cart, reference or notificationUrl.")
            .Accepts<PatchPurchaseRequest>(MergePatch.MediaType, "application/json")
            .RequireMergePatchMediaType()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblemCodes(StatusCodes.Status409Conflict, ProblemCodes.PurchaseNotModifiable)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithIdempotency()
            .WithIdempotencyKey();
        group.MapPost("/{id}/cancel", CancelPurchase.HandleAsync).WithName("CancelPurchase")
            .WithSummary("Cancel a purchase that is still INITIALIZED (before or after the organizer paid)")
            .Accepts<CancelPurchaseRequest>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblemCodes(StatusCodes.Status409Conflict, ProblemCodes.PurchaseNotModifiable)
            .WithIdempotency()
            .WithIdempotencyKey();
        group.MapPost("/{id}/refund", RefundPurchase.HandleAsync).WithName("RefundPurchase")
            .WithSummary("Refund every member of a SUCCESSFULL purchase")
            .WithDescription("202 with refundStatus pending; the refunds are made in the background, then refundStatus is succeeded, " +
                "collectedAmount is 0 and the purchase.refunded event is sent.")
            .Accepts<RefundPurchaseRequest>(isOptional: true, "application/json")
            .Produces<PurchaseView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblemCodes(StatusCodes.Status409Conflict, ProblemCodes.AlreadyRefunded, ProblemCodes.PurchaseNotModifiable)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithIdempotency()
            .WithIdempotencyKey();
        group.MapGet("/{id}/payments", PaymentsList.HandleAsync).WithName("ListPayments")
            .WithSummary("The purchase's money movements, oldest first")
            .Produces<PaymentList>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/messages", MessagesList.HandleAsync).WithName("ListMessages")
            .WithSummary("The emails sent to the organizer and the pledgers, in the order scheduled, with their delivery")
            .Produces<MessageList>()
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
