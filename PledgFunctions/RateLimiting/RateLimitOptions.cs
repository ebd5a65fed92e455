using Microsoft.Extensions.Options;

namespace PledgFunctions.RateLimiting;

/// <summary>The <c>Pledg:RateLimits</c> section: one token bucket per client.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Pledg:RateLimits";

    /// <summary>False switches rate limiting off (benchmarks, a gateway in front that already limits).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained rate one client may send.</summary>
    public double PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests one client may send at once after being idle (the bucket's size).</summary>
    public int Burst { get; set; } = 400;

    /// <summary>Behind a reverse proxy (the Functions host, a front door) every connection comes from
    /// the proxy. Name the header in which the proxy appends the client's address (for example
    /// <c>X-Forwarded-For</c>): its last entry is the one the proxy wrote, earlier ones are the
    /// client's own word. Unset: the connection's remote address. Required under the Functions host
    /// (see <see cref="FunctionsHostClientAddress"/>).</summary>
    public string? ClientAddressHeader { get; set; }
}

/// <summary><paramref name="environment"/> reads environment variables (a parameter so tests can
/// pretend to run under the Functions host).</summary>
internal sealed class RateLimitOptionsValidator(Func<string, string?> environment) : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        if (!(options.PermitsPerSecond > 0)) failures.Add($"{RateLimitOptions.Section}:PermitsPerSecond must be positive.");
        if (options.Burst < 1) failures.Add($"{RateLimitOptions.Section}:Burst must be at least 1.");
        if (FunctionsHostClientAddress.Problem(options, environment) is { } problem) failures.Add(problem);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
