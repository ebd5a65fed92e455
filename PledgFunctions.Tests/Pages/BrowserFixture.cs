using Microsoft.Playwright;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Pages;

/// <summary>Azurite, the service, a second service whose payment window is 3 s (for expiry), and
/// one headless Debian Chromium driven by Playwright; every test opens its own browser context.
/// Without Chromium it starts the rest, for the tests over plain HTTP, and each browser test calls
/// <see cref="Requires.Chromium"/> first, which skips it (or, strict, fails it) naming what to install.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string MerchantName = "Alpine Outfitters";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Azurite Azurite { get; private set; } = null!;
    public TestService Service { get; private set; } = null!;
    public TestService ShortWindowService { get; private set; } = null!;
    /// <summary>Where <see cref="Service"/> emails the members: the organizer's page says who was emailed.</summary>
    public SmtpSink Smtp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(10_000);
        Azurite = await Azurite.StartNewAsync();
        var browser = Requires.HasChromium ? LaunchAsync() : Task.FromResult<IBrowser?>(null);
        // One after the other: two first initializations racing on the same tables prove nothing here.
        Smtp = await SmtpSink.StartNewAsync();
        Service = await TestService.StartAsync(Azurite, s =>
        {
            s["Pledg:BootstrapMerchants:0:Name"] = MerchantName;
            foreach (var (key, value) in Smtp.Settings()) s[key] = value;
            s["Pledg:Email:Enabled"] = "true";
        });
        ShortWindowService = await TestService.StartAsync(Azurite, s =>
        {
            s["Pledg:BootstrapMerchants:0:Name"] = MerchantName;
            s["Pledg:PaymentWindow"] = "00:00:03";
        });
        _browser = await browser;
    }

    private async Task<IBrowser?> LaunchAsync()
    {
        _playwright = await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Requires.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh context (own cookies, storage, clipboard) on <paramref name="service"/> at a
    /// given width, recording script errors and Content-Security-Policy violations.</summary>
    public async Task<BrowserPage> OpenAsync(TestService? service = null, int width = 1280)
    {
        var browser = _browser ?? throw new InvalidOperationException($"No browser: the test must call {nameof(Requires)}.{nameof(Requires.Chromium)}() first.");
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = (service ?? Service).BaseAddress.ToString(),
            Locale = "en-US",
            TimezoneId = "UTC",
            ViewportSize = new() { Width = width, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            // Failed fetches (a 402 for a declined card) are logged as errors too; they are expected.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                problems.Add("console: " + message.Text);
        };
        return new BrowserPage(context, page, problems);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        await ShortWindowService.DisposeAsync();
        await Service.DisposeAsync();
        await Smtp.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>One browser context and its page; disposing closes the context.</summary>
public sealed class BrowserPage(IBrowserContext context, IPage page, List<string> problems) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    /// <summary>No uncaught exception and no CSP violation (which Chromium logs as a console error).</summary>
    public void AssertNoScriptErrors() => Assert.True(problems.Count == 0, string.Join("\n", problems));

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}

/// <summary>Every page test class shares one fixture (one Azurite, one browser) and runs in turn.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
