using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PledgFunctions.Hosting;

namespace PledgFunctions.OpenApi;

/// <summary>Title, version, contact, licence, the production server (a URL variable, its default
/// from configuration: never the Host header the document was fetched with), tags, and, in the
/// merchant document, the Bearer scheme and the webhooks.</summary>
internal sealed class DocumentInfo(IOptions<PledgOptions> options) : IOpenApiDocumentTransformer
{
    public const string Version = "1.2";

    /// <summary>The production host when <c>Pledg:PublicBaseUrl</c> is not set: a Function App's default address.</summary>
    public const string DefaultHost = "your-function-app.azurewebsites.net";

    private static readonly Dictionary<string, string> MerchantTags = new()
    {
        ["Purchases"] = "The merchant API: create, read, list, edit, cancel and refund purchases, and read their payments (Bearer API key).",
        ["Events"] = "Notifications sent to a purchase's notificationUrl, their delivery status, and redelivery.",
        ["Operations"] = "Health of the service.",
    };

    private static readonly Dictionary<string, string> PageTags = new()
    {
        ["Checkout (hosted page)"] = "The organizer's page: the secret token in the path is the credential.",
        ["Shares (hosted page)"] = "A pledger's page: the secret token in the path is the credential.",
    };

    private const string Conventions =
        "Amounts are JSON integers in the currency's minor unit; times are ISO 8601 UTC. " +
        "Errors are RFC 9457 `application/problem+json` with a machine-readable `code` (validation errors add `errors`). " +
        "Every answer of `/api/...` (health aside) carries `RateLimit-Policy` and `RateLimit` (IETF httpapi draft): " +
        "`\"client\";q=<bucket size>;w=<seconds to refill>` and `\"client\";r=<requests left>;t=<seconds until full>`; " +
        "a client over its budget gets `429 rate_limited` with `Retry-After`. " +
        "Lists page with `limit` and `cursor`: pass the previous page's `nextCursor` to read on; `nextCursor: null` means there is nothing after this page.";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var merchant = context.DocumentName != OpenApiSetup.PagesDocument;
        document.Info.Version = Version;
        document.Info.Title = merchant ? "Pledg Functions merchant API" : "Pledg Functions hosted-page API";
        document.Info.Description = merchant
            ? "Split payments: the merchant creates a purchase, the organizer pays the whole cart on the hosted page and names the " +
              "pledgers, who reimburse their shares before the deadline; the service tells the merchant by signed webhooks. " + Conventions
            : "What the service's own hosted pages call (`/pay/...`): no merchant key, the secret token in the path (>= 128 random " +
              "bits, e-mailed to the organizer or a pledger, never logged) is the credential. Merchants do not call it; their API is " +
              "described in `/openapi/v1.json`. " + Conventions;
        document.Info.Contact = new OpenApiContact { Name = "Pledg Functions API team", Url = new Uri(BaseUrl() + "/docs") };
        document.Info.License = new OpenApiLicense { Name = "Proprietary: for merchants of this Pledg Functions deployment", Identifier = "LicenseRef-Pledg-Proprietary" };
        document.Servers = [Server()];
        document.Tags = new HashSet<OpenApiTag>((merchant ? MerchantTags : PageTags).Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        document.Components ??= new OpenApiComponents();
        if (merchant)
        {
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[OperationRules.MerchantScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The merchant's API key: `Authorization: Bearer <key>`.",
            };
            WebhookEvents.AddTo(document);
        }
        return Task.CompletedTask;
    }

    private string BaseUrl() => options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : "https://" + DefaultHost;

    /// <summary>The production address as <c>https://{host}</c>: a generated client is pointed at a deployment by one variable.</summary>
    private OpenApiServer Server()
    {
        var configured = options.Value.PublicBaseUrl is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
        if (configured is { Scheme: "http" })
            return new OpenApiServer { Url = configured.ToString().TrimEnd('/'), Description = "This deployment (Pledg:PublicBaseUrl)" };
        var host = configured is null ? DefaultHost : configured.Authority + configured.AbsolutePath.TrimEnd('/');
        return new OpenApiServer
        {
            Url = "https://{host}",
            Description = "Production: the deployment's public address (Pledg:PublicBaseUrl). Locally, `dotnet run` serves http://localhost:7071.",
            Variables = new Dictionary<string, OpenApiServerVariable>
            {
                ["host"] = new() { Default = host, Description = "The host name (and port, and path prefix if any) of the deployment." },
            },
            Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
        };
    }
}
