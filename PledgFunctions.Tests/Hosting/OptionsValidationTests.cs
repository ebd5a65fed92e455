using PledgFunctions.Hosting;

namespace PledgFunctions.Tests.Hosting;

/// <summary>Settings that make no sense stop the start with a message naming them.</summary>
public sealed class OptionsValidationTests
{
    private static IReadOnlyList<string> Failures(PledgOptions options) =>
        new PledgOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void TheDefaultsAreValid() => Assert.Empty(Failures(new PledgOptions()));

    [Theory]
    [InlineData("00:00:00", "01:00:00", "Pledg:History:KeepFinishedFor")]
    [InlineData("-1.00:00:00", "01:00:00", "Pledg:History:KeepFinishedFor")]
    [InlineData("30.00:00:00", "00:00:00", "Pledg:History:PurgeEvery")]
    public void AHistoryRetentionOrPurgePeriodThatIsNotPositiveIsRefused(string keep, string every, string named)
    {
        var options = new PledgOptions { History = { KeepFinishedFor = TimeSpan.Parse(keep), PurgeEvery = TimeSpan.Parse(every) } };
        Assert.Contains(Failures(options), f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    public void ASweepPeriodThatIsNotPositiveIsRefused(string every)
    {
        var options = new PledgOptions { Recovery = { SweepEvery = TimeSpan.Parse(every) } };
        Assert.Contains(Failures(options), f => f.StartsWith("Pledg:Recovery:SweepEvery", StringComparison.Ordinal));
    }
}
