using PledgFunctions.Storage;

namespace PledgFunctions.Tests.Purchases;

public sealed class PurchaseKeysTests
{
    [Fact]
    public void IdsSortNewestFirst()
    {
        var older = PurchaseKeys.NewPurchaseId(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var newer = PurchaseKeys.NewPurchaseId(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero));
        Assert.True(string.CompareOrdinal(newer, older) < 0);
        Assert.True(PurchaseKeys.IsPurchaseId(newer));
    }

    [Fact]
    public void AnIdTellsWhenItsPurchaseWasCreated()
    {
        var at = new DateTimeOffset(2026, 12, 2, 16, 58, 3, 417, TimeSpan.Zero);
        Assert.Equal(at, PurchaseKeys.CreatedAt(PurchaseKeys.NewPurchaseId(at)));
        Assert.Null(PurchaseKeys.CreatedAt("pur_not-an-id"));
    }

    [Fact]
    public void TokensLeadToTheirPurchaseAndCarry128SecretBits()
    {
        var id = PurchaseKeys.NewPurchaseId(DateTimeOffset.UnixEpoch);
        var organizer = PurchaseKeys.NewOrganizerToken(id);
        var share = PurchaseKeys.NewShareToken(id, 7);

        Assert.True(PurchaseKeys.TryParseOrganizerToken(organizer, out var fromOrganizer));
        Assert.Equal(id, fromOrganizer);
        Assert.True(PurchaseKeys.TryParseShareToken(share, out var fromShare, out var index));
        Assert.Equal((id, 7), (fromShare, index));
        Assert.False(PurchaseKeys.TryParseShareToken(organizer, out _, out _));
        Assert.False(PurchaseKeys.TryParseOrganizerToken(share, out _));
        Assert.NotEqual(PurchaseKeys.NewOrganizerToken(id), organizer);
        Assert.Equal(43, organizer.Length); // 32 bytes: 16 of partition, 16 (128 bits) random
    }
}
