using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Merchants;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary><c>GET /api/purchases/{id}/payments</c>: the payments ledger, oldest first. Another
/// merchant's purchase is not found, like everywhere in the merchant API.</summary>
public static class PaymentsList
{
    public static async Task<Results<Ok<PaymentList>, ProblemHttpResult>> HandleAsync(
        string id, Merchant merchant, PurchaseTable purchases, PaymentsLedger ledger, CancellationToken ct)
    {
        if (await PurchasesApi.FindAsync(id, merchant, purchases, ct) is null) return ApiProblem.NotFound("purchase");
        var rows = await ledger.ListAsync(id, ct);
        return TypedResults.Ok(new PaymentList(rows.Select(PaymentView.From).ToList()));
    }
}
