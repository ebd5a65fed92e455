using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Purchases;

/// <summary><c>PATCH /api/purchases/{id}</c>: edit a purchase before the organizer pays, in one
/// replace of the purchase row conditioned on the ETag read. The organizer's pledge commits
/// conditioned on the ETag it read too, so an edit and a pledge racing cannot both land: an edit
/// that lands first makes the pledge's commit fail, and the pledge, seeing another amount, voids
/// its authorization and answers 409 (see <c>Checkout/Pledge.cs</c>); a pledge that lands first
/// makes this edit re-read and answer 409.</summary>
public static class EditPurchase
{
    public sealed record Services(PurchaseTable Purchases, WebhookUrlGuard WebhookUrls, PurchaseFaults Faults, TimeProvider Time);

    public static async Task<Results<Ok<PurchaseView>, ProblemHttpResult>> HandleAsync(
        string id, HttpRequest request, Merchant merchant, [AsParameters] Services services, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(request, ct);
        if (body is null) return JsonBody.TooLarge();
        if (!EditPurchaseRequest.TryParse(body, out var edit, out var problem)) return problem!;
        // The SSRF guard resolves the host: once per request, for a new URL the rules of create accept.
        var urlChecked = !edit!.Gives("notificationUrl") || edit.NotificationUrl is null;
        string? urlRefusal = null;

        // Recognises our own write when a retry of it (by the storage SDK) reports a conflict.
        var requestId = Guid.NewGuid().ToString("N");
        while (true)
        {
            var purchase = await PurchasesApi.FindAsync(id, merchant, services.Purchases, ct);
            if (purchase is null) return ApiProblem.NotFound("purchase");
            var now = services.Time.GetUtcNow();
            if (purchase.LastRequestId == requestId) return TypedResults.Ok(PurchaseView.From(purchase, now));
            if (PurchaseRules.WhyNotBeforePledge(purchase, now, "edited") is { } why) return ApiProblem.NotModifiable(why);

            var edited = edit.ApplyTo(purchase);
            var errors = edited.Validate();
            if (!urlChecked && !errors.ContainsKey("notificationUrl"))
            {
                urlRefusal = await services.WebhookUrls.RefusalAsync(edit.NotificationUrl, ct);
                urlChecked = true;
            }
            if (urlRefusal is not null) errors["notificationUrl"] = [urlRefusal];
            if (errors.Count > 0) return ApiProblem.Validation(errors);

            purchase.Amount = edited.Amount!.Value;
            purchase.Currency = edited.Currency!;
            purchase.CartJson = edited.Cart is null ? null : JsonSerializer.Serialize(edited.Cart, JsonBody.ResponseOptions);
            purchase.Reference = edited.Reference;
            purchase.NotificationUrl = edited.NotificationUrl;
            purchase.NotifyPledgers = edited.NotifyPledgers!.Value;
            purchase.Locale = edited.Locale!;
            purchase.LastRequestId = requestId;
            try
            {
                purchase.ETag = await services.Purchases.ReplaceAsync(purchase, ct);
                services.Faults.AfterCommit?.Invoke(id);
                return TypedResults.Ok(PurchaseView.From(purchase, now));
            }
            catch (Exception e) when (StorageErrors.IsConflict(e)) { }
        }
    }
}
