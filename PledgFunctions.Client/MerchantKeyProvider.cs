using Microsoft.Kiota.Abstractions.Authentication;

namespace PledgFunctions.Client;

/// <summary>Hands Kiota the merchant API key as the Bearer token, for the service's host only.</summary>
internal sealed class MerchantKeyProvider(string apiKey, Uri baseUrl) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new([baseUrl.Host]);

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default)
    {
        if (!AllowedHostsValidator.IsUrlHostValid(uri)) return Task.FromResult(string.Empty);
        // An API key over plain http could be read on the way: only a local service may be reached so.
        if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
            throw new InvalidOperationException($"Refusing to send the merchant API key over {uri.Scheme} to {uri.Host}; use https.");
        return Task.FromResult(apiKey);
    }
}
