using PledgFunctions.Payments;

namespace PledgFunctions.Tests.Payments;

public sealed class CardValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("4242424242424242", true)]
    [InlineData("4000000000000002", true)]
    [InlineData("4000000000009995", true)]
    [InlineData("5555555555554444", true)]
    [InlineData("378282246310005", true)]
    [InlineData("4242424242424241", false)]
    [InlineData("0000000000000001", false)]
    public void LuhnCheck(string number, bool valid) => Assert.Equal(valid, CardValidation.PassesLuhn(number));

    [Theory]
    [InlineData("4242424242424242", "visa")]
    [InlineData("5555555555554444", "mastercard")]
    [InlineData("2223003122003222", "mastercard")]
    [InlineData("378282246310005", "amex")]
    public void BrandFromTheNumber(string number, string brand) => Assert.Equal(brand, CardValidation.BrandOf(number));

    [Fact]
    public void AValidCardKeepsOnlyBrandAndLastFourInItsText()
    {
        var errors = new Dictionary<string, string[]>();
        var card = CardValidation.Validate(new CardInput("4242 4242 4242 4242", 11, 2026, "123"), Now, errors);
        Assert.Empty(errors);
        Assert.Equal("4242", card!.Last4);
        Assert.Equal("visa ****4242", card.ToString());
        Assert.DoesNotContain("4242424242424242", new CardInput("4242424242424242", 1, 2030, "123").ToString());
    }

    [Theory]
    [InlineData(10, 2026, "card.expMonth")]
    [InlineData(12, 2025, "card.expYear")]
    [InlineData(0, 2030, "card.expMonth")]
    [InlineData(5, 30, "card.expYear")]
    public void ExpiredOrMalformedExpiryIsRefused(int month, int year, string field)
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Null(CardValidation.Validate(new CardInput("4242424242424242", month, year, "123"), Now, errors));
        Assert.Contains(field, errors.Keys);
    }
}
