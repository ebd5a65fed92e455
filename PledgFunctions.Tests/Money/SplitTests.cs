using CsCheck;
using PledgFunctions.Money;

namespace PledgFunctions.Tests.Money;

public sealed class SplitTests
{
    private static readonly string[] AllCurrencies = Currencies.Supported.ToArray();
    private static readonly Gen<string> Currency = Gen.Int[0, AllCurrencies.Length - 1].Select(i => AllCurrencies[i]);
    private static readonly Gen<long> Amount = Gen.Long[1, Currencies.MaxAmount];

    [Fact]
    public void EqualSharesSumToTheAmountAndDifferByAtMostTheRemainder() =>
        Gen.Select(Currency, Amount, Gen.Int[0, Split.MaxPledgers]).Where((_, amount, pledgers) => amount > pledgers).Sample((currency, amount, pledgers) =>
        {
            Assert.True(Currencies.IsSupported(currency));
            var shares = Split.Compute(amount, new long?[pledgers]).Shares!;
            Assert.Equal(pledgers + 1, shares.Length);
            Assert.Equal(amount, shares.Sum());
            Assert.All(shares, s => Assert.True(s >= 0));
            var remainder = amount % (pledgers + 1);
            Assert.All(shares.Skip(1), s => Assert.Equal(shares[1..].Append(shares[0] - remainder).Min(), s));
            Assert.Equal(shares[0] - remainder, amount / (pledgers + 1));
        });

    [Fact]
    public void CustomSharesSumToTheAmountWithTheOrganizerKeepingTheRest() =>
        Gen.Select(Amount, Gen.Int[1, Split.MaxPledgers]).SelectMany((amount, n) =>
            Gen.Long[1, Math.Max(1, amount / n)].Array[n].Select(parts => (amount, parts)))
        .Sample(t =>
        {
            var result = Split.Compute(t.amount, t.parts.Select(p => (long?)p).ToList());
            if (t.parts.Sum() > t.amount) { Assert.False(result.Succeeded); return; }
            Assert.Equal(t.amount, result.Shares!.Sum());
            Assert.NotNull(result.Shares);
            Assert.Equal(t.parts, result.Shares[1..]);
            Assert.True(result.Shares[0] >= 0);
        });

    [Theory]
    [InlineData(10001, 2, new long[] { 3335, 3333, 3333 })]
    [InlineData(100, 0, new long[] { 100 })]
    [InlineData(4, 3, new long[] { 1, 1, 1, 1 })]
    [InlineData(7, 6, new long[] { 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(100000000, 20, new long[] { 4761920, 4761904, 4761904 })]
    public void EqualSplitExamples(long amount, int pledgers, long[] firstShares) =>
        Assert.Equal(firstShares, Split.Compute(amount, new long?[pledgers]).Shares![..firstShares.Length]);

    [Fact]
    public void EveryAcceptedSplitGivesEachPledgerAtLeastOneMinorUnit() =>
        Gen.Select(Gen.Long[1, 50], Gen.Int[0, Split.MaxPledgers], Gen.Bool).Sample((amount, pledgers, custom) =>
        {
            var amounts = custom ? Enumerable.Range(0, pledgers).Select(i => (long?)(i % 3)).ToList() : new long?[pledgers].ToList();
            var result = Split.Compute(amount, amounts);
            if (result.Succeeded) Assert.All(result.Shares![1..], s => Assert.True(s >= 1, $"a pledger's share is {s}"));
            else Assert.StartsWith("pledgers", result.ErrorField);
            // An equal split is refused exactly when it would leave pledgers nothing.
            if (!custom) Assert.Equal(pledgers == 0 || amount >= pledgers + 1, result.Succeeded);
        });

    [Theory]
    [InlineData(5, 6)]   // 5 JPY among 7 members
    [InlineData(1, 1)]
    [InlineData(19, 20)]
    public void AnEqualSplitThatLeavesPledgersZeroIsRefused(long amount, int pledgers)
    {
        var result = Split.Compute(amount, new long?[pledgers]);
        Assert.False(result.Succeeded);
        Assert.Equal("pledgers", result.ErrorField);
        Assert.Contains("one minor unit", result.Error);
    }

    [Fact]
    public void MixedOrNonPositiveCustomAmountsAreRefused()
    {
        Assert.Equal("pledgers", Split.Compute(100, [10, null]).ErrorField);
        Assert.Equal("pledgers[1].amount", Split.Compute(100, [10, 0]).ErrorField);
        Assert.Equal("pledgers", Split.Compute(100, [60, 41]).ErrorField);
        Assert.Equal("pledgers", Split.Compute(100, new long?[21]).ErrorField);
        Assert.Equal([0L, 60, 40], Split.Compute(100, [60, 40]).Shares!);
    }
}
