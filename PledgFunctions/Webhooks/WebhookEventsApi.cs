using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.OpenApi;
using PledgFunctions.Paging;
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

    /// <summary>Oldest first, in pages (<see cref="ListPage"/>, contract 1.2).</summary>
    public static async Task<Results<Ok<EventList>, ProblemHttpResult>> ListAsync(
        string id, Merchant merchant, PurchaseTable purchases, EventRows events, string? limit, string? cursor, CancellationToken ct)
    {
        if (!ListPage.TryRead(limit, cursor, out var page, out var problem)) return problem!;
        if (!PurchaseKeys.IsPurchaseId(id)) return ApiProblem.NotFound("purchase");
        var purchase = await purchases.GetPurchaseAsync(id, ct);
        if (purchase?.MerchantId != merchant.Id) return ApiProblem.NotFound("purchase");
        if (!page.TrySlice(await events.ListAsync(id, ct), e => e.EventId, out var slice, out var next)) return ListPage.BadCursor();
        return TypedResults.Ok(new EventList(slice.Select(EventView.From).ToList(), next));
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

/// <summary>A page of a purchase's events; <c>nextCursor</c> is null on the last page.</summary>
public sealed record EventList(IReadOnlyList<EventView> Items, string? NextCursor);

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
