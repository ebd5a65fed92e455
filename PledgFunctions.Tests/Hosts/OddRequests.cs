using System.Text;

namespace PledgFunctions.Tests.Hosts;

/// <summary>One odd request. <c>{id}</c> and <c>{org}</c> in the path stand for a purchase of the
/// host's own and its organizer token. <see cref="Platform"/>: why the Functions host answers it
/// itself, before the worker sees it (docs/azure-functions.md, "What the platform answers itself").</summary>
public sealed record OddRequest(string Method, string Path, byte[]? Body = null, string? ContentType = null,
    IReadOnlyList<(string Name, string Value)>? Headers = null, bool WithKey = true, string? Platform = null)
{
    public override string ToString() =>
        $"{Method} {Path}{(ContentType is null ? "" : $" [{ContentType}]")}{(Body is null ? "" : $" body {Body.Length} B")}" +
        string.Concat((Headers ?? []).Select(h => $" {h.Name}: {h.Value}")) + (WithKey ? "" : " (no key)");
}

/// <summary>The requests sent to both hosts: every method on every route, bad route values, repeated
/// and malformed query parameters, odd headers, wrong content types, truncated and oversized bodies.</summary>
public static class OddRequests
{
    public const string NoPurchase = "pur_00000000000000000000000000000000";

    /// <summary>The host's proxy to the worker (YARP over HttpClient) refuses header values that are not ASCII.</summary>
    public const string NonAsciiHeader = "non-ASCII header value: the host cannot forward it and answers 500, empty";

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private static readonly string[] Routes =
    [
        "/api/purchases", "/api/purchases/{id}", "/api/purchases/{id}/status", "/api/purchases/{id}/events",
        $"/api/purchases/{NoPurchase}/cancel", $"/api/purchases/{NoPurchase}/refund", "/api/purchases/{id}/payments",
        "/api/events/evt_unknown/redeliver", "/api/checkout/{org}", "/api/checkout/unknown-token/pledge",
        "/api/shares/unknown-token", "/api/shares/unknown-token/pay", "/pay/{org}", "/pay/share/unknown-token",
        "/pay/assets/app.css", "/api/health", "/openapi/v1.json", "/openapi/pages.json", "/openapi/v2.json", "/docs",
        "/", "/api", "/api/nothing", "/api/purchases/{id}/nothing", "/pay/assets/..%2F..%2Fhost.json", "/API/PURCHASES",
    ];

    private static readonly string[] BadValues =
        ["%7B%7D", "-1", "%00", "%2F", "a%20b", "%C3%A9", "..", "%ZZ", "%25", new string('x', 1500)];

    private static readonly (string Method, string Template)[] ValueRoutes =
    [
        ("GET", "/api/purchases/{0}"), ("PATCH", "/api/purchases/{0}"), ("POST", "/api/purchases/{0}/cancel"),
        ("GET", "/api/shares/{0}"), ("POST", "/api/shares/{0}/pay"), ("POST", "/api/checkout/{0}/pledge"),
        ("GET", "/pay/{0}"), ("POST", "/api/events/{0}/redeliver"),
    ];

    private static readonly string[] Queries =
    [
        "limit=abc&limit=", "limit=1&limit=2", "limit=0", "limit=101", "limit=1e3", "limit=%FF", "limit=%ZZ",
        "cursor=", "cursor=%ZZ", "cursor=not-a-cursor", "a[]=1&a[]=2", "=&&=", new string('q', 4000) + "=1",
    ];

    /// <summary>The bodies' routes: none of them changes anything whatever the body (no such purchase,
    /// no such token), but for the edit of the host's own purchase, which both hosts then apply alike.</summary>
    private static readonly (string Method, string Path)[] BodyRoutes =
    [
        ("POST", "/api/purchases"), ("PATCH", "/api/purchases/{id}"), ("POST", $"/api/purchases/{NoPurchase}/cancel"),
        ("POST", "/api/checkout/unknown-token/pledge"), ("POST", "/api/shares/unknown-token/pay"),
    ];

    private static readonly string?[] ContentTypes =
    [
        "application/json", "text/plain", null, "application/x-www-form-urlencoded", "application/json; charset=utf-16",
        "application/merge-patch+json", "multipart/form-data; boundary=x",
    ];

    private static readonly byte[][] Bodies =
    [
        [], "{"u8.ToArray(), """{"amount":"x"}"""u8.ToArray(), [0xff, 0xfe, 0x00], "[]"u8.ToArray(), "null"u8.ToArray(),
        """{"organizerEmail":"a@example.com","amount":10"""u8.ToArray(), // truncated
        """{"reference":"edited","organizerEmail":"a@example.com","amount":1000,"currency":"EUR"}"""u8.ToArray(),
    ];

    private static readonly (string Name, string Value, string? Platform)[] OddHeaders =
    [
        ("Idempotency-Key", "héllo", NonAsciiHeader), ("X-Note", "é", NonAsciiHeader), ("Authorization", "Bearer sk_é", NonAsciiHeader),
        ("Idempotency-Key", "", null), ("Idempotency-Key", new string('k', 300), null), ("Idempotency-Key", "a\tb", null),
        ("Idempotency-Key", "a\u0001b", null), ("Authorization", "Bearer", null), ("Authorization", "Basic dXNlcjpwYXNz", null),
        ("X-Forwarded-For", "not-an-address", null), ("Accept", "text/html", null),
    ];

    public static IEnumerable<OddRequest> All()
    {
        foreach (var route in Routes)
            foreach (var method in Methods)
                yield return new OddRequest(method, route);
        foreach (var (method, template) in ValueRoutes)
            foreach (var value in BadValues)
                yield return new OddRequest(method, string.Format(template, value), method == "GET" ? null : "{}"u8.ToArray(),
                    method == "GET" ? null : "application/json");
        foreach (var query in Queries)
        {
            yield return new OddRequest("GET", "/api/purchases?" + query);
            yield return new OddRequest("GET", "/api/purchases/{id}/events?" + query);
        }
        foreach (var (method, path) in BodyRoutes)
            foreach (var contentType in ContentTypes)
                foreach (var body in Bodies)
                    yield return new OddRequest(method, path, body, contentType);
        foreach (var (method, path) in BodyRoutes)
        {
            yield return new OddRequest(method, path, Json(70 * 1024), "application/json");
            yield return new OddRequest(method, path, Json(1024 * 1024), "application/json");
        }
        foreach (var (name, value, platform) in OddHeaders)
        {
            IReadOnlyList<(string, string)> headers = [(name, value)];
            var keyless = name == "Authorization";
            yield return new OddRequest("GET", "/api/purchases", Headers: headers, WithKey: !keyless, Platform: platform);
            yield return new OddRequest("GET", "/api/health", Headers: headers, WithKey: !keyless, Platform: platform);
            yield return new OddRequest("POST", "/api/purchases", Bodies[^1], "application/json", headers, !keyless, platform);
        }
        yield return new OddRequest("GET", "/api/purchases", Headers: [("Authorization", "Bearer a"), ("Authorization", "Bearer b")], WithKey: false);
    }

    /// <summary>A create body whose reference makes it <paramref name="bytes"/> long.</summary>
    private static byte[] Json(int bytes) => Encoding.UTF8.GetBytes(
        $$"""{"organizerEmail":"a@example.com","amount":100,"currency":"EUR","reference":"{{new string('x', bytes)}}"}""");
}
