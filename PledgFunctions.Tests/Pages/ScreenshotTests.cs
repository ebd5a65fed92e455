using Microsoft.Playwright;
using PledgFunctions.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PledgFunctions.Tests.Pages;

/// <summary>Both pages at 1280 and 360 px; at 360 px nothing may scroll sideways. The pictures go
/// to the test output, or to docs/screenshots/ (linked from the README) when run with
/// PLEDG_UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the work tree unchanged.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture fixture)
{
    private static readonly string Folder = Environment.GetEnvironmentVariable("PLEDG_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(RepositoryPaths.Root, "docs", "screenshots")
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    [SkippableTheory]
    [InlineData(1280)]
    [InlineData(360)]
    public async Task BothPagesRenderWithoutSidewaysScrolling(int width)
    {
        Requires.Chromium();
        Directory.CreateDirectory(Folder);
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), PageData.Order(organizer: "alice@example.com"));

        await using var organizer = await fixture.OpenAsync(width: width);
        var page = organizer.Page;
        await page.GotoAsync(PageData.Path(purchase));
        await page.FillAsync("#pledger-0-email", "bob@example.com");
        await page.ClickAsync("#add-pledger");
        await page.FillAsync("#pledger-1-email", "carol@example.com");
        await Expect(page.Locator("#preview-2")).ToContainTextAsync("€40.00");
        await page.Locator("#pledger-1-email").BlurAsync();
        await SaveAsync(page, $"organizer-before-{width}.png");

        await PageData.FillCardAsync(page);
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("#share-2 .link-input")).ToBeVisibleAsync();
        await page.Locator("h1").BlurAsync();
        await SaveAsync(page, $"organizer-after-{width}.png");

        var shareUrl = await page.Locator("#share-1 .link-input").InputValueAsync();
        await using var pledger = await fixture.OpenAsync(width: width);
        await pledger.Page.GotoAsync(new Uri(shareUrl).AbsolutePath);
        await Expect(pledger.Page.Locator("#pay-button")).ToHaveTextAsync("Pay €40.00");
        await SaveAsync(pledger.Page, $"pledger-{width}.png");

        // Bob pays, then the merchant cancels: both see their money coming back.
        await PageData.FillCardAsync(pledger.Page);
        await pledger.Page.ClickAsync("#pay-button");
        await Expect(pledger.Page.Locator("h1")).ToHaveTextAsync("You paid your share");
        await (await fixture.Service.Client().PostAsync($"/api/purchases/{purchase.GetProperty("id").GetString()}/cancel", null)).AssertOkAsync();
        await Expect(page.Locator("#refund-status")).ToHaveAttributeAsync("data-done", "true", new() { Timeout = 30_000 });
        await page.Locator("h1").BlurAsync();
        await SaveAsync(page, $"organizer-refunded-{width}.png");
        await Expect(pledger.Page.Locator("#purchase-note")).ToContainTextAsync("has been refunded", new() { Timeout = 30_000 });
        await pledger.Page.Locator("h1").BlurAsync();
        await SaveAsync(pledger.Page, $"pledger-refunded-{width}.png");

        organizer.AssertNoScriptErrors();
        pledger.AssertNoScriptErrors();
    }

    private static async Task SaveAsync(IPage page, string name)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{name}: the page scrolls sideways by {overflow} px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Folder, name), FullPage = true });
    }
}
