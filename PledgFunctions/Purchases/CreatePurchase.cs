using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;
using PledgFunctions.Webhooks;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Purchases;

/// <summary><c>POST /api/purchases</c>, with the contract's Idempotency-Key semantics.</summary>
public static class CreatePurchase
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public sealed record Services(PurchaseCreator Creator, IdempotencyStore Idempotency, WebhookUrlGuard WebhookUrls, TimeProvider Time);

    public static async Task<Results<RawJsonResult, ProblemHttpResult>> HandleAsync(
        HttpRequest request, Merchant merchant, [AsParameters] Services services, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(request, ct);
        if (body is null) return JsonBody.TooLarge();
        if (!JsonBody.TryParse<CreatePurchaseRequest>(body, optional: false, out var input, out var problem)) return problem!;
        var errors = input!.Validate();
        if (!errors.ContainsKey("notificationUrl") && await services.WebhookUrls.RefusalAsync(input.NotificationUrl, ct) is { } refusal)
            errors["notificationUrl"] = [refusal];
        if (errors.Count > 0) return ApiProblem.Validation(errors);

        var key = request.Headers.TryGetValue(IdempotencyHeader, out var values) ? values.ToString() : null;
        if (key is not null && !IdempotencyStore.IsValidKey(key))
            return ApiProblem.Validation(IdempotencyHeader, "Must be 1 to 255 visible ASCII characters.");

        var now = services.Time.GetUtcNow();
        var purchaseId = PurchaseKeys.NewPurchaseId(now);
        var bodyHash = IdempotencyStore.Hash(body);
        Azure.ETag claim = default;
        if (key is not null)
        {
            switch (await services.Idempotency.BeginAsync(merchant.Id, key, bodyHash, purchaseId, ct))
            {
                case IdempotencyOutcome.Replay replay:
                    return new RawJsonResult(replay.Status, replay.Body, replay.Location, replayed: true);
                case IdempotencyOutcome.Mismatch:
                    return ApiProblem.IdempotencyKeyReused();
                case IdempotencyOutcome.InFlight:
                    request.HttpContext.Response.Headers.RetryAfter = "1";
                    return ApiProblem.IdempotencyKeyInUse();
                case IdempotencyOutcome.Proceed proceed:
                    (purchaseId, claim) = (proceed.PurchaseId, proceed.Claim);
                    break;
            }
        }

        var entity = services.Creator.NewEntity(purchaseId, merchant, input, services.Creator.BaseUrlFor(request), now);
        PurchaseEntity stored;
        try
        {
            stored = await services.Creator.CreateAsync(entity, ct);
        }
        catch when (key is not null)
        {
            await services.Idempotency.ReleaseAsync(merchant.Id, key, claim, bodyHash, purchaseId, now);
            throw;
        }
        PledgMetrics.PurchaseCreated(stored.Currency);
        var json = JsonSerializer.Serialize(PurchaseView.From(stored, now), JsonBody.ResponseOptions);
        var location = $"/api/purchases/{stored.PartitionKey}";
        if (key is not null)
            await services.Idempotency.CompleteAsync(merchant.Id, key, claim, bodyHash, stored.PartitionKey,
                StatusCodes.Status201Created, json, location, now, ct);
        return new RawJsonResult(StatusCodes.Status201Created, json, location, replayed: false);
    }
}
