using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PledgFunctions.Errors;
using PledgFunctions.Merchants;

namespace PledgFunctions.RateLimiting;

/// <summary>ASP.NET Core's rate limiter with one token bucket per client (see
/// <see cref="ClientPartitions"/>). A refused request answers <c>429 rate_limited</c> with
/// <c>Retry-After</c> and never reaches a handler or storage; every answer of a limited route says
/// where its client stands (<see cref="RateLimitHeaders"/>).</summary>
public static class RateLimits
{
    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>>(new RateLimitOptionsValidator(Environment.GetEnvironmentVariable));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, MerchantStore>((limiter, limits, merchants) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            if (limits.Value.Enabled) limiter.GlobalLimiter = ClientPartitions.Create(limits.Value, merchants);
        });
        return services;
    }

    /// <summary>Before authentication, so a request over its budget never costs a storage read: a known
    /// merchant key (known from memory) gets its own bucket, requests with an unknown key share their
    /// address's bucket (sending random keys buys no extra budget and no storage reads).</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        app.UseRateLimitHeaders();
        return app;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
            ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
            : 1;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        RateLimitHeaders.Write(context.HttpContext.Response,
            context.HttpContext.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value, left: 0);
        await ApiProblem.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.",
            $"This client sent more requests than it may; retry after {seconds} s.").ExecuteAsync(context.HttpContext);
    }
}
