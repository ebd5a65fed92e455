using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PledgFunctions.Hosting;

namespace PledgFunctions.OpenApi;

/// <summary>Title, version, the merchant Bearer scheme, tags, webhooks, and one stable server
/// entry from configuration: never the Host header the document was fetched with.</summary>
internal sealed class DocumentInfo(IOptions<PledgOptions> options) : IOpenApiDocumentTransformer
{
    public const string DefaultServer = "http://localhost:7071";

    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Purchases"] = "The merchant API: create, read, list and cancel purchases (Bearer API key).",
        ["Events"] = "Notifications sent to a purchase's notificationUrl, their delivery status, and redelivery.",
        ["Checkout (hosted page)"] = "The organizer's page: the secret token in the path is the credential.",
        ["Shares (hosted page)"] = "A pledger's page: the secret token in the path is the credential.",
        ["Operations"] = "Health of the service.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Pledg Functions";
        document.Info.Version = "1.1";
        document.Info.Description = "Split payments: the organizer pays the cart, pledgers reimburse their shares within the payment window. " +
                                    "Amounts are integers in the currency's minor unit; times are ISO 8601 UTC. " +
                                    "Errors are RFC 9457 problem+json with a machine-readable `code`.";
        var url = options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : DefaultServer;
        document.Servers =
        [
            new OpenApiServer
            {
                Url = url,
                Description = url == DefaultServer ? "Local development (`dotnet run`)" : "The service (Pledg:PublicBaseUrl)",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(false)) },
            },
        ];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[OperationRules.MerchantScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The merchant's API key: `Authorization: Bearer <key>`.",
        };
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        WebhookEvents.AddTo(document);
        return Task.CompletedTask;
    }
}
