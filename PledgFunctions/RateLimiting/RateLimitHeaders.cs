using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PledgFunctions.RateLimiting;

/// <summary>The IETF httpapi RateLimit fields (draft-ietf-httpapi-ratelimit-headers) on every answer
/// of a limited route, so a client can slow down before it is refused:
/// <c>RateLimit-Policy: "client";q=400;w=2</c> (the bucket holds q requests and refills in w seconds)
/// and <c>RateLimit: "client";r=399;t=1</c> (r requests left now, full again in t seconds).</summary>
public static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string Current = "RateLimit";
    private const string Name = "\"client\"";

    public static IApplicationBuilder UseRateLimitHeaders(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (!limits.Enabled) return app;
        return app.Use((context, next) =>
        {
            if (ClientPartitions.IsLimited(context.Request.Path)
                && context.RequestServices.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter is { } limiter)
                // When the answer starts, not now: the exception handler clears the headers of a response it replaces.
                context.Response.OnStarting(() =>
                {
                    var left = limiter.GetStatistics(context)?.CurrentAvailablePermits ?? limits.Burst;
                    Write(context.Response, limits, left);
                    return Task.CompletedTask;
                });
            return next(context);
        });
    }

    /// <summary>Writes both fields for a client with <paramref name="left"/> requests left in its bucket.</summary>
    public static void Write(HttpResponse response, RateLimitOptions limits, long left)
    {
        left = Math.Clamp(left, 0, limits.Burst);
        var refill = (long)Math.Ceiling((limits.Burst - left) / limits.PermitsPerSecond);
        response.Headers[Policy] = string.Create(CultureInfo.InvariantCulture, $"{Name};q={limits.Burst};w={WindowSeconds(limits)}");
        response.Headers[Current] = string.Create(CultureInfo.InvariantCulture, $"{Name};r={left};t={refill}");
    }

    /// <summary>The time an empty bucket takes to fill, in whole seconds (at least 1).</summary>
    public static long WindowSeconds(RateLimitOptions limits) => Math.Max(1, (long)Math.Ceiling(limits.Burst / limits.PermitsPerSecond));
}
