using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;

namespace PledgFunctions.Paging;

/// <summary>Paging of a purchase's short, append-only lists (payments, events: contract 1.2):
/// <c>limit</c> 1–100, default 100; <c>cursor</c> is the previous page's <c>nextCursor</c>, which
/// names the last item that page showed. Rows of these lists are never removed or reordered while
/// the purchase exists, so a cursor stays valid as long as the purchase does, and a page read later
/// starts right after that item, with whatever was added since at the end.</summary>
public sealed record ListPage(int Limit, string? After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 100;

    /// <summary>The query's <c>limit</c> and <c>cursor</c>, or a 400 <c>validation_error</c> naming the bad one.</summary>
    public static bool TryRead(string? limit, string? cursor, out ListPage page, out ProblemHttpResult? problem)
    {
        page = new ListPage(DefaultLimit, null);
        problem = null;
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size)
                                  || size is < 1 or > MaxLimit))
        {
            problem = ApiProblem.Validation("limit", $"Must be an integer from 1 to {MaxLimit}.");
            return false;
        }
        string? after = null;
        if (cursor is not null && (after = Decode(cursor)) is null)
        {
            problem = BadCursor();
            return false;
        }
        page = new ListPage(size, after);
        return true;
    }

    /// <summary>The page of <paramref name="items"/> (in list order) after the cursor's item, and the
    /// cursor of the next page (null on the last). False when the cursor names no item of this list
    /// (a cursor of another list or purchase).</summary>
    public bool TrySlice<T>(IReadOnlyList<T> items, Func<T, string> idOf, out IReadOnlyList<T> slice, out string? nextCursor)
    {
        var start = 0;
        slice = [];
        nextCursor = null;
        if (After is not null)
        {
            var index = items.Select(idOf).ToList().IndexOf(After);
            if (index < 0) return false;
            start = index + 1;
        }
        slice = items.Skip(start).Take(Limit).ToList();
        if (start + slice.Count < items.Count) nextCursor = Encode(idOf(slice[^1]));
        return true;
    }

    public static ProblemHttpResult BadCursor() =>
        ApiProblem.Validation("cursor", "Not a cursor this list returned: send the nextCursor of the previous page of the same list.");

    private static string Encode(string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));

    private static string? Decode(string cursor)
    {
        if (cursor.Length is 0 or > 256) return null;
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
