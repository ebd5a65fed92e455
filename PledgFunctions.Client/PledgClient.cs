using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using PledgFunctions.Client.Generated;

namespace PledgFunctions.Client;

/// <summary>Creates the generated <see cref="PledgApiClient"/> with what a merchant needs around it:
/// the API key as a Bearer token (sent only to the service's own host, and only over https unless
/// that host is loopback) and an Idempotency-Key on every mutating merchant call. Create one per
/// service and key and reuse it: it owns its HttpClient.</summary>
public static class PledgClient
{
    /// <param name="baseUrl">The service, e.g. <c>https://pledg.example.com</c>.</param>
    /// <param name="apiKey">The merchant API key; null for the hosted-page calls, which need none.</param>
    /// <param name="innerHandler">The handler that sends the requests (default: a new <see cref="HttpClientHandler"/>).</param>
    public static PledgApiClient Create(Uri baseUrl, string? apiKey = null, HttpMessageHandler? innerHandler = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        IAuthenticationProvider authentication = apiKey is null
            ? new AnonymousAuthenticationProvider()
            : new BaseBearerTokenAuthenticationProvider(new MerchantKeyProvider(apiKey, baseUrl));
        var handlers = KiotaClientFactory.CreateDefaultHandlers();
        // Outermost, so Kiota's retry handler resends the same key and the service replays instead of acting twice.
        handlers.Insert(0, new IdempotencyKeyHandler());
        var http = KiotaClientFactory.Create(handlers, innerHandler ?? new HttpClientHandler());
        http.BaseAddress = baseUrl;
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = baseUrl.ToString().TrimEnd('/') };
        return new PledgApiClient(adapter);
    }
}
