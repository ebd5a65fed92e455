using PledgFunctions.Merchants;

namespace PledgFunctions.Tests.Merchants;

public sealed class UnknownKeyCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WhenFullTheLeastRecentlySeenHashGoesFirst()
    {
        var cache = new UnknownKeyCache(capacity: 3, keepFor: TimeSpan.FromMinutes(1));
        cache.Add("a", Now);
        cache.Add("b", Now);
        cache.Add("c", Now);
        Assert.True(cache.Contains("a", Now)); // "b" is now the least recently seen

        cache.Add("d", Now);

        Assert.Equal(3, cache.Count);
        Assert.False(cache.Contains("b", Now));
        Assert.True(cache.Contains("a", Now));
        Assert.True(cache.Contains("c", Now));
        Assert.True(cache.Contains("d", Now));
    }

    [Fact]
    public void AFloodNeverGrowsItBeyondItsCapacity()
    {
        var cache = new UnknownKeyCache(capacity: 100, keepFor: TimeSpan.FromMinutes(1));
        for (var i = 0; i < 10_000; i++) cache.Add("k" + i, Now);
        Assert.Equal(100, cache.Count);
        Assert.True(cache.Contains("k9999", Now));
        Assert.False(cache.Contains("k0", Now));
    }

    [Fact]
    public void AnEntryExpiresAfterItsTime()
    {
        var cache = new UnknownKeyCache(capacity: 10, keepFor: TimeSpan.FromMinutes(1));
        cache.Add("a", Now);
        Assert.True(cache.Contains("a", Now.AddSeconds(59)));
        Assert.False(cache.Contains("a", Now.AddMinutes(1)));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void ARemovedHashIsNoLongerUnknown()
    {
        var cache = new UnknownKeyCache(capacity: 10, keepFor: TimeSpan.FromMinutes(1));
        cache.Add("a", Now);
        cache.Remove("a");
        Assert.False(cache.Contains("a", Now));
    }
}
