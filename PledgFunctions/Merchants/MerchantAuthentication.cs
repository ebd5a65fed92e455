using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PledgFunctions.Errors;

namespace PledgFunctions.Merchants;

/// <summary>Bearer API key authentication for the merchant API, as an ASP.NET Core
/// authentication scheme so it runs before any handler or binding. The key itself is never
/// logged; only its SHA-256 is looked up.</summary>
public static class MerchantAuthentication
{
    public const string Scheme = "MerchantApiKey";
    internal const string MerchantIdClaim = "pledg:merchant_id";
    internal const string MerchantNameClaim = "pledg:merchant_name";

    public static IServiceCollection AddMerchants(this IServiceCollection services)
    {
        services.AddSingleton<MerchantStore>();
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(Scheme, null);
        services.AddAuthorization();
        return services;
    }

    public static TBuilder RequireMerchant<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());

    private sealed class ApiKeyHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, MerchantStore merchants)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        private const string Bearer = "Bearer ";

        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) || header.Length > 512) return AuthenticateResult.NoResult();
            var key = header[Bearer.Length..].Trim();
            if (key.Length == 0) return AuthenticateResult.NoResult();
            // A storage outage throws here and becomes 503, not a misleading 401.
            var merchant = await merchants.FindByApiKeyAsync(key, Context.RequestAborted);
            if (merchant is null) return AuthenticateResult.Fail("Unknown API key.");
            var identity = new ClaimsIdentity([new Claim(MerchantIdClaim, merchant.Id), new Claim(MerchantNameClaim, merchant.Name)], MerchantAuthentication.Scheme);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), MerchantAuthentication.Scheme));
        }

        protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
            await ApiProblem.Unauthorized().ExecuteAsync(Context);
        }
    }
}
