using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;
using PledgFunctions.Webhooks;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Purchases;

/// <summary><c>POST /api/purchases</c>. Its Idempotency-Key is handled by <see cref="IdempotencyFilter"/>,
/// which reserves the purchase id a retry of the same key must reuse.</summary>
public static class CreatePurchase
{
    public sealed record Services(PurchaseCreator Creator, WebhookUrlGuard WebhookUrls, TimeProvider Time);

    public static async Task<Results<Created<PurchaseView>, ProblemHttpResult>> HandleAsync(
        HttpRequest request, Merchant merchant, [AsParameters] Services services, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(request, ct);
        if (body is null) return JsonBody.TooLarge();
        if (!JsonBody.TryParse<CreatePurchaseRequest>(body, optional: false, out var input, out var problem)) return problem!;
        var errors = input!.Validate();
        if (!errors.ContainsKey("notificationUrl") && await services.WebhookUrls.RefusalAsync(input.NotificationUrl, ct) is { } refusal)
            errors["notificationUrl"] = [refusal];
        if (errors.Count > 0) return ApiProblem.Validation(errors);

        var now = services.Time.GetUtcNow();
        var purchaseId = IdempotencyFilter.ReservedPurchaseId(request.HttpContext) ?? PurchaseKeys.NewPurchaseId(now);
        var entity = services.Creator.NewEntity(purchaseId, merchant, input, services.Creator.BaseUrlFor(request), now);
        var stored = await services.Creator.CreateAsync(entity, ct);
        PledgMetrics.PurchaseCreated(stored.Currency);
        return TypedResults.Created($"/api/purchases/{stored.PartitionKey}", PurchaseView.From(stored, now));
    }
}
