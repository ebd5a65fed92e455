using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Checkout;
using PledgFunctions.Shares;
using PledgFunctions.Storage;

namespace PledgFunctions.Pages;

/// <summary>The hosted pages: static HTML shells whose scripts call the checkout and shares API
/// from the same origin. The token in the path is checked first so an unknown link answers a
/// real 404 page instead of a shell that fails later.</summary>
public static class PagesApi
{
    /// <summary>Only our own scripts, styles and API: a page that takes card numbers runs no inline
    /// or third-party code, cannot be framed, and never sends its token-bearing URL as a referrer.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/pay").ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                ApplySecurityHeaders(context.HttpContext.Response);
                return await next(context);
            });
        string[] getOrHead = [HttpMethods.Get, HttpMethods.Head]; // link previews and monitors send HEAD
        group.MapMethods("/{organizerToken}", getOrHead, OrganizerPageAsync).WithName("OrganizerPage");
        group.MapMethods("/share/{shareToken}", getOrHead, SharePageAsync).WithName("SharePage");
        group.MapMethods("/assets/{name}", getOrHead, Asset).WithName("PageAsset");
        return routes;
    }

    public static async Task<ContentHttpResult> OrganizerPageAsync(string organizerToken, PurchaseTable purchases, HttpResponse response, CancellationToken ct)
    {
        var found = await CheckoutApi.FindAsync(organizerToken, purchases, ct);
        return Html(response, found is null ? PageAssets.NotFoundPage : PageAssets.OrganizerPage, found is null);
    }

    public static async Task<ContentHttpResult> SharePageAsync(string shareToken, PurchaseTable purchases, HttpResponse response, CancellationToken ct)
    {
        var found = await SharesApi.FindAsync(shareToken, purchases, ct);
        return Html(response, found is null ? PageAssets.NotFoundPage : PageAssets.SharePage, found is null);
    }

    /// <summary>Pages link assets as <c>name?v=hash</c>: that exact version may be cached for good;
    /// any other request revalidates with the ETag (304 when unchanged).</summary>
    public static Results<FileContentHttpResult, NotFound> Asset(string name, string? v, HttpResponse response)
    {
        if (PageAssets.Find(name) is not { } asset) return TypedResults.NotFound();
        response.Headers.CacheControl = v == asset.Hash ? "public, max-age=31536000, immutable" : "no-cache";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }

    private static ContentHttpResult Html(HttpResponse response, string html, bool notFound)
    {
        // The token is the credential: keep the page out of every cache.
        response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8",
            statusCode: notFound ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
    }

    private static void ApplySecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
    }
}
