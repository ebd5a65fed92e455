using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PledgFunctions.Telemetry;

/// <summary>Keeps credentials out of spans. The hosted pages' tokens are the only credential of
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
