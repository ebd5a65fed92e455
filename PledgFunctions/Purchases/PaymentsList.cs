using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Merchants;
using PledgFunctions.Money;
using PledgFunctions.Paging;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary><c>GET /api/purchases/{id}/payments</c>: the payments ledger, oldest first, in pages
/// (<see cref="ListPage"/>). Another merchant's purchase is not found, like everywhere in the merchant API.</summary>
public static class PaymentsList
{
    public static async Task<Results<Ok<PaymentList>, ProblemHttpResult>> HandleAsync(
        string id, Merchant merchant, PurchaseTable purchases, PaymentsLedger ledger, string? limit, string? cursor, CancellationToken ct)
    {
        if (!ListPage.TryRead(limit, cursor, out var page, out var problem)) return problem!;
        if (await PurchasesApi.FindAsync(id, merchant, purchases, ct) is null) return ApiProblem.NotFound("purchase");
        var rows = await ledger.ListAsync(id, ct);
        if (!page.TrySlice(rows, r => r.PaymentId, out var slice, out var next)) return ListPage.BadCursor();
        return TypedResults.Ok(new PaymentList(slice.Select(PaymentView.From).ToList(), next));
    }
}
