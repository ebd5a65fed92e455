using System.Text.Json;
using System.Text.RegularExpressions;
using PledgFunctions.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PledgFunctions.Tests.Pages;

/// <summary>The organizer's page in a real browser, checked against what the API then holds.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OrganizerPageTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task OrganizerSplitsEquallyWithTwoPledgersAndPays()
    {
        Requires.Chromium();
        // €100.00 in three: 33.33 each, the organizer's share takes the cent left over.
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), PageData.Order(tent: 7000));
        var (bob, carol) = (PageData.Email("bob"), PageData.Email("carol"));
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;

        await page.GotoAsync(PageData.Path(purchase));
        await Expect(page.Locator("#total")).ToHaveTextAsync("€100.00");
        await Expect(page.Locator(".cart")).ToContainTextAsync("Trail 2 tent");
        await page.FillAsync("#pledger-0-email", bob);
        await page.ClickAsync("#add-pledger");
        await Expect(page.Locator("#pledger-1-email")).ToBeFocusedAsync();
        await page.FillAsync("#pledger-1-email", carol);
        await Expect(page.Locator("#preview-0")).ToContainTextAsync("€33.34");
        await Expect(page.Locator("#preview-1")).ToContainTextAsync("€33.33");
        await Expect(page.Locator("#preview-2")).ToContainTextAsync("€33.33");
        await PageData.FillCardAsync(page);
        await page.ClickAsync("#pay-button");

        await Expect(page.Locator("h1")).ToHaveTextAsync("You paid €100.00");
        await Expect(page.Locator("#share-1")).ToContainTextAsync(bob);
        await Expect(page.Locator("#share-1 .badge")).ToHaveTextAsync("Waiting");
        await Expect(page.Locator("#share-0 .badge")).ToHaveTextAsync("Paid");
        await Expect(page.Locator("#share-2 .link-input")).ToHaveValueAsync(new Regex("/pay/share/"));
        await Expect(page.Locator(".countdown").First).ToHaveTextAsync(new Regex(@"^(2 d|1 d 23 h)$"));
        // Pledg emails each pledger their link; the page says so once it has gone (it keeps reading the purchase).
        await Expect(page.Locator("#share-1 .emailed")).ToHaveTextAsync(new Regex("^Emailed "), new() { Timeout = 30_000 });
        await Expect(page.Locator("#share-0 .emailed")).ToHaveCountAsync(0);

        var checkout = await ReadCheckoutAsync(purchase);
        Assert.True(checkout.GetProperty("pledged").GetBoolean());
        Assert.Equal([3334L, 3333L, 3333L], checkout.GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("amount").GetInt64()));
        Assert.Equal(await page.Locator("#share-2 .link-input").InputValueAsync(), checkout.GetProperty("shares")[2].GetProperty("shareUrl").GetString());
        browser.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task CustomAmountsOverTheTotalAreShownNextToTheAmountsAndNothingIsCharged()
    {
        Requires.Chromium();
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), PageData.Order());
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;

        await page.GotoAsync(PageData.Path(purchase));
        await page.FillAsync("#pledger-0-email", PageData.Email("bob"));
        await page.ClickAsync("#add-pledger");
        await page.FillAsync("#pledger-1-email", PageData.Email("carol"));
        await page.CheckAsync("input[name=split][value=custom]");
        await Expect(page.Locator("#pledger-0-amount")).ToHaveValueAsync("40.00"); // starts from the equal split
        await page.FillAsync("#pledger-0-amount", "80");
        await page.FillAsync("#pledger-1-amount", "50,00");
        await Expect(page.Locator("#pledgers-error")).ToHaveTextAsync("The amounts add up to €130.00, €10.00 more than the €120.00 total.");
        await Expect(page.Locator("#preview-0")).ToContainTextAsync("-€10.00");
        await PageData.FillCardAsync(page);
        await page.ClickAsync("#pay-button");

        await Expect(page.Locator("#pledgers-error")).ToContainTextAsync("more than the €120.00 total");
        await Expect(page.Locator("#pledger-0-amount")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#pledger-1-amount")).ToHaveAttributeAsync("aria-describedby", new Regex("pledgers-error"));
        await Expect(page.Locator("#pledger-0-amount")).ToBeFocusedAsync();
        Assert.False((await ReadCheckoutAsync(purchase)).GetProperty("pledged").GetBoolean());

        // Exact decimal input: 30.5 is 3050 cents, the organizer keeps 120.00 - 50.00 - 30.50.
        await page.FillAsync("#pledger-0-amount", "50");
        await page.FillAsync("#pledger-1-amount", "30.5");
        await Expect(page.Locator("#preview-0")).ToContainTextAsync("€39.50");
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("h1")).ToHaveTextAsync("You paid €120.00");
        var shares = (await ReadCheckoutAsync(purchase)).GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("amount").GetInt64());
        Assert.Equal([3950L, 5000L, 3050L], shares);
        browser.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task ADeclinedCardSaysSoAndAnotherCardPays()
    {
        Requires.Chromium();
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), PageData.Order());
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync(PageData.Path(purchase));
        await page.FillAsync("#pledger-0-email", PageData.Email("bob"));

        // A server-side check (expiry in the past) lands next to its field too.
        await PageData.FillCardAsync(page, year: "2020");
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("#card-exp-year-error")).ToHaveTextAsync("The card has expired.");
        await Expect(page.Locator("#card-exp-year")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#card-exp-year")).ToBeFocusedAsync();

        await PageData.FillCardAsync(page, number: "4000 0000 0000 0002");
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("#form-alert")).ToContainTextAsync("The card was declined. Nothing was charged; try another card.");
        await Expect(page.Locator("#card-number-error")).ToHaveTextAsync("The card was declined.");
        await Expect(page.Locator("#card-number")).ToBeFocusedAsync();
        await Expect(page.Locator("#card-exp-year")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#pledger-0-email")).Not.ToBeEmptyAsync(); // the form stays as filled in
        Assert.False((await ReadCheckoutAsync(purchase)).GetProperty("pledged").GetBoolean());

        await page.Keyboard.TypeAsync("4242424242424242"); // the number was selected: typing replaces it
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("h1")).ToHaveTextAsync("You paid €120.00");
        browser.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task KeyboardOnlyOrganizerCanPay()
    {
        Requires.Chromium();
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), PageData.Order());
        var (bob, carol) = (PageData.Email("bob"), PageData.Email("carol"));
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        var keyboard = page.Keyboard;
        await page.GotoAsync(PageData.Path(purchase));
        await Expect(page.Locator("#pay-button")).ToBeVisibleAsync();

        await PageData.TabToAsync(page, "#pledger-0-email");
        await keyboard.TypeAsync(bob);
        await PageData.TabToAsync(page, "#add-pledger");
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("#pledger-1-email")).ToBeFocusedAsync();
        await keyboard.TypeAsync(carol);
        await PageData.TabToAsync(page, "input[name=split][value=equal]");
        await keyboard.PressAsync("ArrowRight");
        await Expect(page.Locator("#pledger-0-amount")).ToHaveValueAsync("40.00");
        await keyboard.PressAsync("ArrowLeft");
        await Expect(page.Locator("#pledger-0-amount")).ToHaveCountAsync(0);
        await PageData.TabToAsync(page, "#card-number");
        await keyboard.TypeAsync("4242 4242 4242 4242");
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync("12");
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync("2030");
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync("123");
        await keyboard.PressAsync("Enter");

        await Expect(page.Locator("h1")).ToHaveTextAsync("You paid €120.00");
        await Expect(page.Locator("h1")).ToBeFocusedAsync();
        await PageData.TabToAsync(page, "#share-1-copy");
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("#share-1-copy")).ToHaveTextAsync("Copied");
        await Expect(page.Locator("#copy-status")).ToHaveTextAsync($"Link for {bob} copied.");
        var shares = (await ReadCheckoutAsync(purchase)).GetProperty("shares");
        Assert.Equal([bob, carol], shares.EnumerateArray().Skip(1).Select(s => s.GetProperty("email").GetString()));
        browser.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task YenAmountsHaveNoDecimals()
    {
        Requires.Chromium();
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), PageData.Order(tent: 9001, stove: 1500, currency: "JPY"));
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync(PageData.Path(purchase));
        await Expect(page.Locator("#total")).ToHaveTextAsync("¥12,001");
        await page.FillAsync("#pledger-0-email", PageData.Email("bob"));
        await Expect(page.Locator("#preview-0")).ToContainTextAsync("¥6,001");
        await Expect(page.Locator("#preview-1")).ToContainTextAsync("¥6,000");
        await page.CheckAsync("input[name=split][value=custom]");
        await Expect(page.Locator("#pledger-0-amount")).ToHaveValueAsync("6000");
        await page.FillAsync("#pledger-0-amount", "2500.5");
        await PageData.FillCardAsync(page);
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("#pledger-0-amount-error")).ToHaveTextAsync("JPY amounts have no decimals.");
        await page.FillAsync("#pledger-0-amount", "2500");
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("h1")).ToHaveTextAsync("You paid ¥12,001");
        var shares = (await ReadCheckoutAsync(purchase)).GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("amount").GetInt64());
        Assert.Equal([9501L, 2500L], shares);
        browser.AssertNoScriptErrors();
    }

    private async Task<JsonElement> ReadCheckoutAsync(JsonElement purchase) =>
        await (await fixture.Service.Client(null).GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(purchase)}")).AssertOkAsync();
}
