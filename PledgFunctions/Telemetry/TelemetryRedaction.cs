using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PledgFunctions.Telemetry;

/// <summary>Keeps credentials out of spans and log lines. The hosted pages' tokens are the only credential of
/// their URLs (<c>/pay/{token}</c>, <c>/pay/share/{token}</c>, <c>/api/checkout/{token}/...</c>,
/// <c>/api/shares/{token}/...</c>), and a merchant's notificationUrl may carry the merchant's own
/// secret in its path. Runs inside the instrumentation (its enrich hooks), so no exporter ever sees
/// the raw value. Query strings are already redacted by the instrumentation; bodies and headers
/// (API keys, card numbers) are never recorded.</summary>
public static partial class TelemetryRedaction
{
    public const string Token = "{token}";
    public const string Redacted = "{redacted}";

    private static readonly string[] UrlTags = ["url.path", "url.full", "http.target", "http.url", "url.original"];

    [GeneratedRegex("(?<prefix>/pay/share/|/pay/(?!share(?:/|$)|assets/)|/api/checkout/|/api/shares/)[^/?#]+", RegexOptions.IgnoreCase)]
    private static partial Regex TokenSegment();

    /// <summary><c>/pay/AbC…/x?y</c> → <c>/pay/{token}/x?y</c>; other paths unchanged.</summary>
    public static string RedactPath(string path) => TokenSegment().Replace(path, "${prefix}" + Token);

    /// <summary>What a log line may say about a request's target: its route template
    /// (<c>/api/shares/{shareToken}/pay</c>) when it matched one, else its path with token segments
    /// redacted. Never the raw path: on the hosted pages' routes the path is the credential.</summary>
    public static string RouteOf(Endpoint? endpoint, PathString path) =>
        endpoint is RouteEndpoint { RoutePattern.RawText: { } template }
            ? "/" + template.Trim('/')
            : RedactPath(path.Value ?? "");

    /// <summary>Framework log categories that write a request's raw path or an outgoing URL, with the
    /// lowest level they log at whatever the configuration says. ASP.NET Core's hosting category writes
    /// "Request starting GET /pay/…" and opens a logging scope carrying <c>RequestPath</c> on every
    /// request (shown by any provider that includes scopes) — it opens that scope only while the
    /// category is enabled at all, hence <c>None</c>. The route matcher's debug lines and
    /// HttpClient's "Sending HTTP request POST https://merchant/…" stop at Warning. The service's
    /// own one-line request log says the same without the token.</summary>
    public static readonly (string Category, LogLevel MinimumLevel)[] PathLoggingCategories =
    [
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None),
        ("Microsoft.AspNetCore.Routing.Matching", LogLevel.Warning),
        ("System.Net.Http.HttpClient", LogLevel.Warning),
    ];

    /// <summary>An incoming request: every URL attribute and the name lose their token segments.</summary>
    public static void RedactServerSpan(Activity activity)
    {
        foreach (var tag in UrlTags)
            if (activity.GetTagItem(tag) is string value) activity.SetTag(tag, RedactPath(value));
        activity.DisplayName = RedactPath(activity.DisplayName);
    }

    /// <summary>An outgoing call outside the Azure SDK (a webhook): only the origin of the URL is kept.</summary>
    public static void RedactClientSpan(Activity activity)
    {
        foreach (var tag in UrlTags)
            if (activity.GetTagItem(tag) is string value && Uri.TryCreate(value, UriKind.Absolute, out var uri))
                activity.SetTag(tag, uri.GetLeftPart(UriPartial.Authority) + "/" + Redacted);
    }
}
