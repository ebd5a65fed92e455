using PledgFunctions.Email;

namespace PledgFunctions.Tests.Email;

/// <summary>What each message says, in both languages: amounts exact from minor units, dates in UTC,
/// the link, and user input that cannot become markup.</summary>
public sealed class MessageTemplatesTests
{
    private const string Nbsp = "\u00A0", Nnbsp = "\u202F";
    private static readonly DateTimeOffset Deadline = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

    private static MessageFacts Facts(string kind, string locale = "en", string currency = "EUR", long amount = 4000,
        string merchant = "Outdoor Shop", string? reason = null) =>
        new(kind, locale, merchant, "bob@example.com", "alice@example.com", amount, 12000, currency, Deadline,
            "https://pledg.example/pay/share/tok_123", kind == MessageKinds.Receipt ? [new("bob@example.com", 4000), new("carol@example.com", 4000)] : [],
            Reference: "order-42", FailureReason: reason);

    [Theory]
    [InlineData(12000, "EUR", "en", "€120.00")]
    [InlineData(12000, "EUR", "fr", "120,00" + Nbsp + "€")]
    [InlineData(1500, "JPY", "en", "¥1,500")]
    [InlineData(1500, "JPY", "fr", "1" + Nnbsp + "500" + Nbsp + "¥")]
    [InlineData(5, "EUR", "en", "€0.05")]
    [InlineData(100_000_000, "EUR", "en", "€1,000,000.00")]
    [InlineData(100_000_000, "EUR", "fr", "1" + Nnbsp + "000" + Nnbsp + "000,00" + Nbsp + "€")]
    [InlineData(123456, "CHF", "en", "CHF 1,234.56")]
    [InlineData(999, "USD", "fr", "9,99" + Nbsp + "$US")]
    [InlineData(0, "KRW", "en", "₩0")]
    public void AmountsAreWrittenAsTheirReadersWriteThem(long minor, string currency, string locale, string expected) =>
        Assert.Equal(expected, MessageFormat.Amount(minor, currency, locale));

    [Fact]
    public void AmountsAreExactWhereAFloatWouldNotBe() =>
        Assert.Equal("€90,071,992,547,409.93", MessageFormat.Amount(9_007_199_254_740_993, "EUR", "en"));

    [Theory]
    [InlineData("en", "24 November 2026, 18:00 UTC")]
    [InlineData("fr", "24 novembre 2026 à 18:00 UTC")]
    public void DatesAreInUtcInTheReadersWords(string locale, string expected)
    {
        Assert.Equal(expected, MessageFormat.Date(Deadline, locale));
        Assert.Equal(expected, MessageFormat.Date(Deadline.ToOffset(TimeSpan.FromHours(9)), locale));
    }

    public static TheoryData<string, string> KindsAndLocales()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { MessageKinds.ShareRequest, MessageKinds.Receipt, MessageKinds.Reminder, MessageKinds.Succeeded, MessageKinds.Failed })
            foreach (var locale in new[] { "en", "fr" })
                data.Add(kind, locale);
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndLocales))]
    public void EveryMessageNamesTheMerchantInItsSubjectAndItsAmountInBothParts(string kind, string locale)
    {
        var (subject, text, html) = MessageTemplates.Render(Facts(kind, locale, reason: "deadline_expired"));
        Assert.Contains("Outdoor Shop", subject);
        var amount = MessageFormat.Amount(kind == MessageKinds.Receipt ? 4000 : 4000, "EUR", locale);
        Assert.Contains(amount, text);
        Assert.Contains(amount, html);
        Assert.Contains("order-42", text);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains($"<html lang=\"{locale}\">", html);
    }

    [Theory]
    [InlineData(MessageKinds.ShareRequest)]
    [InlineData(MessageKinds.Reminder)]
    [InlineData(MessageKinds.Receipt)]
    public void MessagesThatAskForActionCarryTheLinkAndTheDeadline(string kind)
    {
        foreach (var locale in new[] { "en", "fr" })
        {
            var (_, text, html) = MessageTemplates.Render(Facts(kind, locale));
            Assert.Contains("https://pledg.example/pay/share/tok_123", text);
            Assert.Contains("href=\"https://pledg.example/pay/share/tok_123\"", html);
            Assert.Contains(MessageFormat.Date(Deadline, locale), text);
        }
    }

    [Fact]
    public void TheReceiptListsEachPledgerAndTheirShare()
    {
        var (_, text, html) = MessageTemplates.Render(Facts(MessageKinds.Receipt));
        Assert.Contains("- bob@example.com: €40.00", text);
        Assert.Contains("<li>carol@example.com: €40.00</li>", html);
    }

    [Theory]
    [InlineData("en", "deadline_expired", "before the deadline")]
    [InlineData("en", "cancelled", "was cancelled")]
    [InlineData("fr", "deadline_expired", "avant la date limite")]
    [InlineData("fr", "cancelled", "a été annulé")]
    public void TheFailedMessageSaysWhatIsRefundedAndWhy(string locale, string reason, string why)
    {
        var (_, text, _) = MessageTemplates.Render(Facts(MessageKinds.Failed, locale, amount: 4000, reason: reason));
        Assert.Contains(why, text);
        Assert.Contains(locale == "fr" ? "remboursé de 40,00" + Nbsp + "€" : "refunded €40.00", text);
    }

    [Fact]
    public void UserInputNeverBecomesMarkup()
    {
        var evil = "<script>alert('x')</script> & \"Co\"";
        var facts = Facts(MessageKinds.Receipt, merchant: evil) with
        {
            OrganizerEmail = "\"<img src=x onerror=alert(1)>\"@example.com",
            Shares = [new("<b>bob</b>@example.com", 4000)],
            Link = "https://pledg.example/pay/x\"><script>alert(2)</script>",
            Reference = "<i>ref</i>",
        };
        var (subject, text, html) = MessageTemplates.Render(facts);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<i>", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;", html);
        Assert.Contains("href=\"https://pledg.example/pay/x&quot;&gt;&lt;script&gt;", html);
        Assert.Contains(evil, text); // plain text is shown as it is: nothing to inject into
        Assert.StartsWith(evil, subject);
    }

    [Fact]
    public void ALineBreakInTheMerchantsNameCannotStartAHeader()
    {
        var (subject, _, _) = MessageTemplates.Render(Facts(MessageKinds.Reminder, merchant: "Shop\r\nBcc: victim@example.com"));
        Assert.DoesNotContain('\n', subject);
        Assert.DoesNotContain('\r', subject);
    }

    [Fact]
    public void AnUnknownLocaleIsWrittenInEnglish() =>
        Assert.Equal(MessageTemplates.Render(Facts(MessageKinds.Reminder, "en")), MessageTemplates.Render(Facts(MessageKinds.Reminder, "de")));
}
