namespace PledgFunctions.Merchants;

/// <summary>The authenticated merchant of a request (see <see cref="MerchantAuthentication"/>).</summary>
public sealed record Merchant(string Id, string Name)
{
    /// <summary>Lets handlers of the authenticated group take a <c>Merchant</c> parameter.</summary>
    public static ValueTask<Merchant?> BindAsync(HttpContext context)
    {
        var user = context.User;
        var id = user.FindFirst(MerchantAuthentication.MerchantIdClaim)?.Value;
        return ValueTask.FromResult(id is null ? null : new Merchant(id, user.FindFirst(MerchantAuthentication.MerchantNameClaim)?.Value ?? ""));
    }
}
