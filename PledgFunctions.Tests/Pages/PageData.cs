using System.Text.Json;
using Microsoft.Playwright;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Pages;


/// <summary>Purchases made through the API for the page tests, and the steps a person takes on a page.</summary>
public static class PageData
{
    /// <summary>A €120.00 order (a tent and two stoves) with a fresh organizer.</summary>
    public static object Order(long tent = 9000, long stove = 1500, string? organizer = null, string currency = "EUR") => new
    {
        organizerEmail = organizer ?? $"alice+{Guid.NewGuid():N}@example.com",
        amount = tent + 2 * stove,
        currency,
        cart = new[]
        {
            new { name = "Trail 2 tent", quantity = 1, unitAmount = tent },
            new { name = "Camp stove", quantity = 2, unitAmount = stove },
        },
    };

    public static string Path(JsonElement purchase) => new Uri(purchase.GetProperty("paymentUrl").GetString()!).AbsolutePath;

    public static string SharePath(JsonElement pledge, int index) =>
        new Uri(pledge.GetProperty("shares")[index].GetProperty("shareUrl").GetString()!).AbsolutePath;

    /// <summary>A purchase the organizer has already pledged through the API with <paramref name="pledgers"/> equal shares.</summary>
    public static async Task<(JsonElement Purchase, JsonElement Pledge)> PledgedAsync(IServiceUnderTest service, params string[] pledgers)
    {
        var purchase = await TestPurchases.CreateAsync(service.Client(), Order());
        var body = pledgers.Select(e => (object)new { email = e }).ToArray();
        var pledge = await (await TestCheckout.PledgeAsync(service.Client(null), TestPurchases.OrganizerToken(purchase), body)).AssertOkAsync();
        return (purchase, pledge);
    }

    public static string Email(string name) => $"{name}.{Guid.NewGuid().ToString("N")[..6]}@example.com";

    public static async Task FillCardAsync(IPage page, string number = "4242424242424242", string month = "12", string year = "2030", string cvc = "123")
    {
        await page.FillAsync("#card-number", number);
        await page.FillAsync("#card-exp-month", month);
        await page.FillAsync("#card-exp-year", year);
        await page.FillAsync("#card-cvc", cvc);
    }

    /// <summary>Presses Tab until <paramref name="selector"/> has focus: how a keyboard user gets there.</summary>
    public static async Task TabToAsync(IPage page, string selector, int maxPresses = 40)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement === document.querySelector(s)", selector)) return;
        }
        throw new Xunit.Sdk.XunitException($"{selector} was not reached with {maxPresses} Tab presses.");
    }
}
