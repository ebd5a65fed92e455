using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using PledgFunctions.Merchants;

namespace PledgFunctions.RateLimiting;

/// <summary>Who "one client" is: a known merchant API key (by its SHA-256, the key itself is never
/// kept), otherwise the client's address. Decided before authentication and from memory only, so a
/// request with an unknown key is charged to its address before it costs a storage read, and a
/// flood of random keys from one address is refused without reaching storage while known merchants
/// keep their own buckets. Only the public API and pages are limited: health probes
/// keep working while a client is throttled, and the Functions host's own invocations (timers,
/// deliveries) are never refused.</summary>
public static class ClientPartitions
{
    private static readonly PathString[] Limited = ["/api", "/pay"];
    private static readonly PathString Health = "/api/health";

    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions options, MerchantStore merchants)
    {
        var bucket = BucketOf(options);
        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsLimited(context.Request.Path)
                ? RateLimitPartition.GetTokenBucketLimiter(ClientOf(context, options.ClientAddressHeader, merchants.IsKnownKeyHash), _ => bucket)
                : RateLimitPartition.GetNoLimiter("exempt"));
    }

    /// <summary>Refilled continuously by the partitioned limiter's own 100 ms heartbeat
    /// (no timer per client); no queue: a request over the limit is refused at once.</summary>
    public static TokenBucketRateLimiterOptions BucketOf(RateLimitOptions options)
    {
        var tokensPerPeriod = Math.Max(1, (int)Math.Round(options.PermitsPerSecond / 10));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / options.PermitsPerSecond),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    public static bool IsLimited(PathString path) => !path.StartsWithSegments(Health) && Limited.Any(path.StartsWithSegments);

    /// <summary>"key:" + SHA-256 of the API key when it is a known merchant key; "ip:" + address otherwise.</summary>
    public static string ClientOf(HttpContext context, string? addressHeader, Func<string, bool> isKnownKeyHash)
    {
        if (BearerKey(context.Request) is { Length: > 0 } key && MerchantStore.HashKey(key) is var hash && isKnownKeyHash(hash))
            return "key:" + hash;
        return "ip:" + AddressOf(context, addressHeader);
    }

    private static string? BearerKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>The last entry of the forwarded header (the one the nearest proxy wrote), with or
    /// without a port; IPv6 clients are grouped by /64: one subscriber usually holds a whole /64 and could
    /// otherwise take a fresh bucket per address.</summary>
    private static string AddressOf(HttpContext context, string? header)
    {
        var address = context.Connection.RemoteIpAddress;
        if (header is not null && context.Request.Headers[header].LastOrDefault() is { } forwarded
            && IPEndPoint.TryParse(forwarded.Split(',')[^1].Trim(), out var last))
            address = last.Address; // Azure's front ends write "address:port"; the port changes per connection
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
