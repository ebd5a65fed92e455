using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace PledgFunctions.OpenApi;

/// <summary>Which routes are the hosted-page API (<c>/api/checkout/{organizerToken}</c>,
/// <c>/api/shares/{shareToken}</c>): described in /openapi/pages.json, not in the merchant's document.</summary>
public static class HostedPages
{
    private static readonly string[] Prefixes = ["api/checkout/", "api/shares/"];

    public static bool Describes(ApiDescription description) =>
        description.RelativePath is { } path && Prefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
