using System.Text.RegularExpressions;
using PledgFunctions.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PledgFunctions.Tests.Pages;

/// <summary>The pledgers' page, the organizer's page following it, and the final states.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SharePageTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task PledgerPaysAndTheOrganizerPageThenShowsTheSharePaid()
    {
        Requires.Chromium();
        var (bob, carol) = (PageData.Email("bob"), PageData.Email("carol"));
        var (purchase, pledge) = await PageData.PledgedAsync(fixture.Service, bob, carol);
        await using var organizer = await fixture.OpenAsync();
        await organizer.Page.GotoAsync(PageData.Path(purchase));
        await Expect(organizer.Page.Locator("#share-1 .badge")).ToHaveTextAsync("Waiting");

        await using var pledger = await fixture.OpenAsync();
        var page = pledger.Page;
        await page.GotoAsync(PageData.SharePath(pledge, 1));
        await Expect(page.Locator(".lead")).ToContainTextAsync(purchase.GetProperty("organizerEmail").GetString()!);
        await Expect(page.Locator("#share-amount")).ToHaveTextAsync("€40.00");
        await Expect(page.Locator(".summary")).ToContainTextAsync(BrowserFixture.MerchantName);
        await Expect(page.Locator(".summary")).ToContainTextAsync(bob);
        await Expect(page.Locator(".countdown")).ToHaveTextAsync(new Regex(@"^(2 d|1 d 23 h)$"));
        await PageData.FillCardAsync(page, number: "5555 5555 5555 4444");
        await page.ClickAsync("#pay-button");

        await Expect(page.Locator("h1")).ToHaveTextAsync("You paid your share");
        await Expect(page.Locator("h1")).ToBeFocusedAsync();
        await Expect(page.Locator("#card-last4")).ToHaveTextAsync("•••• 4444");
        await Expect(page.Locator("#purchase-state")).ToHaveTextAsync("Waiting for others");
        await Expect(page.Locator("#card-number")).ToHaveCountAsync(0);

        // The organizer's page reads the checkout every few seconds.
        await Expect(organizer.Page.Locator("#share-1 .badge")).ToHaveTextAsync("Paid");
        await Expect(organizer.Page.Locator("#share-1 .link-row")).ToBeHiddenAsync();
        await Expect(organizer.Page.Locator("#share-2 .badge")).ToHaveTextAsync("Waiting");
        await Expect(organizer.Page.Locator("#progress-text")).ToContainTextAsync("2 of 3 shares paid");

        // Coming back to the link later shows the receipt, not the form.
        await page.ReloadAsync();
        await Expect(page.Locator("#card-last4")).ToHaveTextAsync("•••• 4444");
        organizer.AssertNoScriptErrors();
        pledger.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task TheLastPledgersPaymentShowsThePurchaseSucceeded()
    {
        Requires.Chromium();
        var (purchase, pledge) = await PageData.PledgedAsync(fixture.Service, PageData.Email("bob"));
        await using var pledger = await fixture.OpenAsync();
        var page = pledger.Page;
        await page.GotoAsync(PageData.SharePath(pledge, 1));
        await Expect(page.Locator("#share-amount")).ToHaveTextAsync("€60.00");

        // Insufficient funds first: said next to the number, and the form stays.
        await PageData.FillCardAsync(page, number: "4000000000009995");
        await page.ClickAsync("#pay-button");
        await Expect(page.Locator("#form-alert")).ToContainTextAsync("insufficient funds");
        await Expect(page.Locator("#card-number")).ToBeFocusedAsync();
        await page.FillAsync("#card-number", "4242424242424242");
        await page.ClickAsync("#pay-button");

        await Expect(page.Locator("#purchase-state")).ToHaveTextAsync("Purchase complete");
        await Expect(page.Locator("#purchase-note")).ToHaveTextAsync("Everyone has paid: the purchase is complete.");
        await using var organizer = await fixture.OpenAsync();
        await organizer.Page.GotoAsync(PageData.Path(purchase));
        await Expect(organizer.Page.Locator("h1")).ToHaveTextAsync("Everyone has paid");
        await Expect(organizer.Page.Locator("#purchase-state")).ToHaveAttributeAsync("data-state", "SUCCESSFULL");
        await Expect(organizer.Page.Locator("#pay-button")).ToHaveCountAsync(0);
        pledger.AssertNoScriptErrors();
        organizer.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task AnExpiredPurchasesPagesShowItFailed()
    {
        Requires.Chromium();
        // Payment window 3 s: one purchase pledged (its pledger never pays), one never pledged.
        var service = fixture.ShortWindowService;
        var (pledged, pledge) = await PageData.PledgedAsync(service, PageData.Email("bob"));
        var unpledged = await TestPurchases.CreateAsync(service.Client(), PageData.Order());

        await using var organizer = await fixture.OpenAsync(service);
        await organizer.Page.GotoAsync(PageData.Path(pledged));
        await using var pledger = await fixture.OpenAsync(service);
        await pledger.Page.GotoAsync(PageData.SharePath(pledge, 1));
        await using var late = await fixture.OpenAsync(service);
        await late.Page.GotoAsync(PageData.Path(unpledged));

        // Each page reads again when its countdown ends.
        await Expect(organizer.Page.Locator("#purchase-state")).ToHaveTextAsync("Failed · expired", new() { Timeout = 15_000 });
        await Expect(organizer.Page.Locator("h1")).ToHaveTextAsync("This purchase expired");
        await Expect(organizer.Page.Locator("#share-1 .badge")).ToHaveTextAsync("Not paid");
        await Expect(pledger.Page.Locator("#purchase-state")).ToHaveTextAsync("Failed · expired", new() { Timeout = 15_000 });
        await Expect(pledger.Page.Locator(".lead")).ToContainTextAsync("You have not been charged.");
        await Expect(pledger.Page.Locator("#card-number")).ToHaveCountAsync(0);
        await Expect(late.Page.Locator("#purchase-state")).ToHaveAttributeAsync("data-state", "FAILED", new() { Timeout = 15_000 });
        await Expect(late.Page.Locator("h1")).ToHaveTextAsync("This payment link has expired");
        await Expect(late.Page.Locator("#pay-button")).ToHaveCountAsync(0);
        organizer.AssertNoScriptErrors();
        pledger.AssertNoScriptErrors();
        late.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task ACancelledPurchaseShowsItOnTheOrganizersPage()
    {
        Requires.Chromium();
        var purchase = await TestPurchases.CreateAsync(fixture.Service.Client(), PageData.Order());
        var id = purchase.GetProperty("id").GetString();
        await (await fixture.Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertOkAsync();
        await using var organizer = await fixture.OpenAsync();
        await organizer.Page.GotoAsync(PageData.Path(purchase));
        await Expect(organizer.Page.Locator("#purchase-state")).ToHaveTextAsync("Failed · cancelled");
        await Expect(organizer.Page.Locator(".lead")).ToContainTextAsync("Nothing was charged.");
        await Expect(organizer.Page.Locator("#pay-button")).ToHaveCountAsync(0);
        organizer.AssertNoScriptErrors();
    }
}
