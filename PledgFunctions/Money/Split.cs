namespace PledgFunctions.Money;

/// <summary>How a purchase amount is divided into shares: the organizer's first, then one per
/// pledger in the order given. Pure and exact: integer minor units, shares always sum to the amount.</summary>
public static class Split
{
    public const int MaxPledgers = 20;

    /// <summary>Equal split when no pledger amount is given (the remainder of the division goes to
    /// the organizer), or custom when every pledger gives one (each &gt; 0, the organizer keeps the
    /// rest, which must be &gt;= 0). Either way every pledger owes at least one minor unit: a share
    /// of 0 would be a page asking for nothing and a charge no gateway accepts.</summary>
    public static SplitResult Compute(long amount, IReadOnlyList<long?> pledgerAmounts)
    {
        if (amount <= 0) return SplitResult.Fail("amount", "The amount must be positive.");
        if (pledgerAmounts.Count > MaxPledgers) return SplitResult.Fail("pledgers", $"At most {MaxPledgers} pledgers.");

        var given = pledgerAmounts.Count(a => a is not null);
        if (given == 0)
        {
            var members = pledgerAmounts.Count + 1;
            var each = amount / members;
            if (each == 0 && pledgerAmounts.Count > 0)
                return SplitResult.Fail("pledgers",
                    $"An equal split of {amount} among {members} members leaves each pledger less than one minor unit; name fewer pledgers or give each an amount.");
            var shares = new long[members];
            Array.Fill(shares, each);
            shares[0] = each + amount % members;
            return new SplitResult(shares, null, null);
        }
        if (given != pledgerAmounts.Count)
            return SplitResult.Fail("pledgers", "Give an amount for every pledger, or for none (equal split).");

        var custom = new long[pledgerAmounts.Count + 1];
        long sum = 0;
        for (var i = 0; i < pledgerAmounts.Count; i++)
        {
            var share = pledgerAmounts[i]!.Value;
            if (share <= 0) return SplitResult.Fail($"pledgers[{i}].amount", "Each pledger's amount must be positive.");
            if (share > amount || (sum += share) > amount)
                return SplitResult.Fail("pledgers", $"The pledgers' amounts add up to more than the purchase amount ({amount}).");
            custom[i + 1] = share;
        }
        custom[0] = amount - sum;
        return new SplitResult(custom, null, null);
    }
}

public sealed record SplitResult(long[]? Shares, string? ErrorField, string? Error)
{
    public bool Succeeded => Shares is not null;

    public static SplitResult Fail(string field, string message) => new(null, field, message);
}
