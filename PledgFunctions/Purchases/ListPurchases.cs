using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;
using PledgFunctions.Validation;

namespace PledgFunctions.Purchases;

/// <summary><c>GET /api/purchases</c>: the merchant's index partition (or, filtered by organizer, that
/// email's partition) read newest first, each
/// purchase read by a point read (its state is never copied into the index, so it is never stale)
/// and its deadline enforced like any read's.</summary>
public static class ListPurchases
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    /// <summary>Bounds the work of one request when a state filter matches rarely: the page may
    /// then be short, with a cursor to go on from.</summary>
    public const int MaxExamined = 500;

    public sealed record Page(IReadOnlyList<PurchaseView> Items, string? NextCursor);

    public static async Task<Results<Ok<Page>, ProblemHttpResult>> HandleAsync(
        Merchant merchant, MerchantIndexTable index, PurchaseTable purchases, DeadlineEnforcer deadlines, TimeProvider time,
        string? organizerEmail, string? state, string? limit, string? cursor, CancellationToken ct)
    {
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, out size) || size is < 1 or > MaxLimit))
            return ApiProblem.Validation("limit", $"Must be an integer from 1 to {MaxLimit}.");
        if (state is not null && state is not (PurchaseStates.Initialized or PurchaseStates.Succeeded or PurchaseStates.Failed))
            return ApiProblem.Validation("state", "Must be INITIALIZED, SUCCESSFULL or FAILED.");
        string? after = null;
        if (cursor is not null && (after = DecodeCursor(cursor)) is null)
            return ApiProblem.Validation("cursor", "Not a cursor returned by this API.");

        var now = time.GetUtcNow();
        var email = string.IsNullOrWhiteSpace(organizerEmail) ? null : Emails.Normalize(organizerEmail);
        var items = new List<PurchaseView>(size);
        string? last = null;
        var examined = 0;
        var more = false;
        var batch = new List<string>(size);
        await foreach (var row in index.QueryAsync(merchant.Id, after, email, Math.Min(size, MaxLimit), ct))
        {
            if (items.Count >= size || examined >= MaxExamined) { more = true; break; }
            batch.Add(row.RowKey);
            examined++;
            if (batch.Count >= size - items.Count) last = await AddMatchesAsync(batch, items) ?? last;
        }
        last = await AddMatchesAsync(batch, items) ?? last;
        return TypedResults.Ok(new Page(items, more && last is not null ? EncodeCursor(last) : null));

        // Reads a batch of purchases in parallel and keeps those matching the state filter.
        async Task<string?> AddMatchesAsync(List<string> ids, List<PurchaseView> into)
        {
            if (ids.Count == 0) return null;
            // Like every read: a purchase overdue but still INITIALIZED in storage is written FAILED
            // before the page shows it FAILED (only those cost a write).
            var found = await Task.WhenAll(ids.Select(async id =>
                await purchases.GetPurchaseAsync(id, ct) is { } p ? await deadlines.EnforceAsync(p, ct) : null));
            var lastId = ids[^1];
            foreach (var p in found)
            {
                if (p is null) continue; // an index row whose purchase insert never landed
                var view = PurchaseView.From(p, now);
                if (state is null || view.State == state) into.Add(view);
            }
            ids.Clear();
            return lastId;
        }
    }

    private static string EncodeCursor(string purchaseId) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(purchaseId));

    private static string? DecodeCursor(string cursor)
    {
        try
        {
            var id = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            return PurchaseKeys.IsPurchaseId(id) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
