using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PledgFunctions.Errors;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Messages;
using PledgFunctions.OpenApi;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Checkout;

/// <summary>The organizer's hosted-page API. No merchant key: the secret token in the path is the credential.</summary>
public static class CheckoutApi
{
    public static IEndpointRouteBuilder MapCheckout(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/checkout/{organizerToken}").WithTags("Checkout (hosted page)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", GetAsync).WithName("GetCheckout").WithSummary("What the organizer's page shows");
        group.MapPost("/pledge", Pledge.HandleAsync).WithName("Pledge")
            .WithSummary("Name the pledgers and pay the whole cart")
            .Accepts<PledgeRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblemCodes(StatusCodes.Status503ServiceUnavailable, ProblemCodes.StorageUnavailable, ProblemCodes.PaymentInterrupted);
        return routes;
    }

    public static async Task<Results<Ok<CheckoutView>, ProblemHttpResult>> GetAsync(
        string organizerToken, PurchaseTable purchases, DeadlineEnforcer deadlines, PaymentsLedger ledger, MessageBook messages,
        IOptions<PledgOptions> options, TimeProvider time, CancellationToken ct)
    {
        var found = await FindAsync(organizerToken, purchases, ct);
        if (found is null) return ApiProblem.NotFound("checkout");
        // Overdue and not yet written FAILED: write it before showing it (see DeadlineEnforcer).
        if (PurchaseRules.IsOverdue(found.Purchase, time.GetUtcNow())) found = await deadlines.ReadAsync(found.Purchase.PartitionKey, ct) ?? found;
        var pledged = found.Purchase.PledgedAt is not null;
        var payments = pledged ? ledger.ListAsync(found.Purchase.PartitionKey, ct) : Task.FromResult<IReadOnlyList<PaymentEntity>>([]);
        var emailed = found.Purchase.NotifyPledgers && options.Value.Email.Enabled;
        var sent = pledged && emailed ? messages.ListAsync(found.Purchase.PartitionKey, ct) : Task.FromResult(new List<MessageEntity>());
        return TypedResults.Ok(CheckoutView.From(found, await payments, await sent, emailed, time.GetUtcNow()));
    }

    /// <summary>One range read of the token's partition; the token must match the stored one.</summary>
    internal static async Task<PurchaseWithShares?> FindAsync(string organizerToken, PurchaseTable purchases, CancellationToken ct)
    {
        if (!PurchaseKeys.TryParseOrganizerToken(organizerToken, out var purchaseId)) return null;
        var found = await purchases.GetWithSharesAsync(purchaseId, ct);
        return found is not null && PurchaseKeys.TokenEquals(found.Purchase.OrganizerToken, organizerToken) ? found : null;
    }
}
