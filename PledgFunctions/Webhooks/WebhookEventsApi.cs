using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.OpenApi;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>The merchant's view of its notifications: what was sent, when, and what the endpoint
/// answered; and a way to ask for one more attempt.</summary>
public static class WebhookEventsApi
{
    public static IEndpointRouteBuilder MapWebhookEvents(this IEndpointRouteBuilder routes)
    {
        var purchases = routes.MapGroup("/api/purchases").RequireMerchant().WithTags("Events")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        purchases.MapGet("/{id}/events", ListAsync).WithName("ListPurchaseEvents")
            .WithSummary("List a purchase's notification events and their delivery status")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var events = routes.MapGroup("/api/events").RequireMerchant().WithTags("Events")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        events.MapPost("/{eventId}/redeliver", RedeliverAsync).WithName("RedeliverEvent")
            .WithSummary("Send an event to the notificationUrl once more")
            .WithDescription("Queues one more attempt now, whatever the event's status; retries follow as for the first delivery.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithLocationHeader(StatusCodes.Status202Accepted);
        return routes;
    }

    public static async Task<Results<Ok<EventList>, ProblemHttpResult>> ListAsync(
        string id, Merchant merchant, PurchaseTable purchases, EventRows events, CancellationToken ct)
    {
        if (!PurchaseKeys.IsPurchaseId(id)) return ApiProblem.NotFound("purchase");
        var purchase = await purchases.GetPurchaseAsync(id, ct);
        if (purchase?.MerchantId != merchant.Id) return ApiProblem.NotFound("purchase");
        return TypedResults.Ok(new EventList((await events.ListAsync(id, ct)).Select(EventView.From).ToList()));
    }

    public static async Task<Results<Accepted<EventView>, ProblemHttpResult>> RedeliverAsync(
        string eventId, Merchant merchant, EventRows events, WebhookRedelivery redelivery, CancellationToken ct)
    {
        if (!EventIds.TryParse(eventId, out var purchaseId)) return ApiProblem.NotFound("event");
        var evt = await events.GetAsync(purchaseId, eventId, ct);
        if (evt?.MerchantId != merchant.Id) return ApiProblem.NotFound("event");
        evt = await redelivery.RedeliverAsync(evt, ct);
        return TypedResults.Accepted($"/api/purchases/{purchaseId}/events", EventView.From(evt));
    }
}

public sealed record EventList(IReadOnlyList<EventView> Items);

/// <summary>An event as the merchant sees it. <c>status</c>: <c>pending</c>, <c>delivered</c> or <c>given_up</c>.</summary>
public sealed record EventView(
    string Id,
    string Type,
    DateTimeOffset CreatedAt,
    string Status,
    int Attempts,
    DateTimeOffset? LastAttemptAt,
    string? LastError,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? NextAttemptAt)
{
    public static EventView From(EventEntity e) =>
        new(e.EventId, e.Type, e.CreatedAt, e.Status, e.Attempts, e.LastAttemptAt, e.LastError, e.DeliveredAt, e.NextAttemptAt);
}
