using Microsoft.Net.Http.Headers;
using PledgFunctions.Errors;

namespace PledgFunctions.Purchases;

/// <summary>The media types <c>PATCH /api/purchases/{id}</c> takes (contract 1.2): an RFC 7396 JSON
/// merge patch or plain JSON, with the same meaning (a field left out keeps its value, <c>null</c>
/// clears it). Routing alone would let any <c>application/*+json</c> through (it matches media type
/// suffixes), so a JSON Patch (RFC 6902) would be read as a merge patch: this filter answers every
/// other type <c>415 unsupported_media_type</c> before the body is read.</summary>
public static class MergePatch
{
    public const string MediaType = "application/merge-patch+json";

    public static readonly string[] Accepted = [MediaType, "application/json"];

    public static TBuilder RequireMergePatchMediaType<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            IsAccepted(context.HttpContext.Request.ContentType)
                ? await next(context)
                : ApiProblem.UnsupportedMediaType($"Send the body as {string.Join(" or ", Accepted)}."));

    public static bool IsAccepted(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && Accepted.Any(a => string.Equals(parsed.MediaType.Value, a, StringComparison.OrdinalIgnoreCase));
}
