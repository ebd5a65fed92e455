using System.Net;
using System.Text.RegularExpressions;
using PledgFunctions.Pages;
using PledgFunctions.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PledgFunctions.Tests.Pages;

/// <summary>How the pages and their assets are served: 404 for unknown links, security headers, caching.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PagesServingTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task UnknownTokensAnswerAFriendly404Page()
    {
        Requires.Chromium();
        var (purchase, pledge) = await PageData.PledgedAsync(fixture.Service, PageData.Email("bob"));
        var organizerToken = TestPurchases.OrganizerToken(purchase);
        var shareToken = TestCheckout.ShareToken(pledge, 1);
        string[] unknown =
        [
            "/pay/nope",
            "/pay/share/nope",
            "/pay/" + Tampered(organizerToken),  // the right purchase, a wrong secret
            "/pay/share/" + Tampered(shareToken),
            "/pay/" + shareToken,                // a share token is not an organizer token
            "/pay/share/" + organizerToken,
        ];
        await using var browser = await fixture.OpenAsync();
        foreach (var path in unknown)
        {
            var response = await browser.Page.GotoAsync(path);
            Assert.Equal(404, response!.Status);
            Assert.StartsWith("text/html", response.Headers["content-type"]);
            await Expect(browser.Page.Locator("h1")).ToHaveTextAsync("This payment link doesn’t work");
            await Expect(browser.Page.Locator("link[rel=stylesheet]")).ToHaveCountAsync(1);
            await Expect(browser.Page.Locator("body")).ToHaveCSSAsync("background-color", "rgb(245, 246, 248)"); // the stylesheet loaded
            Assert.True(await browser.Page.Locator(".brand img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        }
        browser.AssertNoScriptErrors();
    }

    [Fact]
    public async Task PagesSendAStrictContentSecurityPolicyAndAreNeverCached()
    {
        var (purchase, pledge) = await PageData.PledgedAsync(fixture.Service, PageData.Email("bob"));
        var client = fixture.Service.Client(null);
        foreach (var path in new[] { PageData.Path(purchase), PageData.SharePath(pledge, 1), "/pay/nope" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(path == "/pay/nope" ? HttpStatusCode.NotFound : HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
            Assert.Equal(PagesApi.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
            Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("no-store", Header(response, "Cache-Control"));
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("style=", html);
            Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", html); // no inline script
            Assert.DoesNotContain("<style", html);
        }
    }

    [Fact]
    public async Task AssetsAreVersionedCachedAndRevalidated()
    {
        var client = fixture.Service.Client(null);
        var html = await (await client.GetAsync("/pay/share/nope")).Content.ReadAsStringAsync();
        var css = AssetUrl().Match(html);
        Assert.True(css.Success, html);

        var versioned = await client.GetAsync(css.Value);
        Assert.Equal(HttpStatusCode.OK, versioned.StatusCode);
        Assert.Equal("text/css", versioned.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", Header(versioned, "Cache-Control"));
        Assert.Equal(PagesApi.ContentSecurityPolicy, Header(versioned, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(versioned, "X-Content-Type-Options"));
        var etag = versioned.Headers.ETag;
        Assert.NotNull(etag);

        var unversioned = await client.GetAsync("/pay/assets/organizer.js");
        Assert.Equal("text/javascript", unversioned.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", Header(unversioned, "Cache-Control"));
        Assert.Equal("image/svg+xml", (await client.GetAsync("/pay/assets/icon.svg")).Content.Headers.ContentType?.MediaType);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, css.Value);
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/pay/assets/missing.js")).StatusCode);
        using var head = new HttpRequestMessage(HttpMethod.Head, "/pay/share/nope");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(head)).StatusCode);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} header missing");

    /// <summary>One character of the secret part changed: the token parses, but the secret is wrong.</summary>
    private static string Tampered(string token) => token[..^5] + (token[^5] == 'A' ? 'B' : 'A') + token[^4..];

    [GeneratedRegex(@"/pay/assets/app\.css\?v=[0-9a-f]+")]
    private static partial Regex AssetUrl();
}
