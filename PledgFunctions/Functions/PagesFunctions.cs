using Microsoft.Azure.Functions.Worker;

namespace PledgFunctions.Functions;

/// <summary>The hosted pages and their assets under the Functions host (Pages/PagesApi.cs).
/// HEAD too: link previews and monitors send it.</summary>
public sealed class PagesFunctions(FunctionEndpoints endpoints)
{
    [Function(nameof(OrganizerPage))]
    public Task<IResult> OrganizerPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "pay/{organizerToken}")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(OrganizerPage));

    [Function(nameof(SharePage))]
    public Task<IResult> SharePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "pay/share/{shareToken}")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(SharePage));

    [Function(nameof(PageAsset))]
    public Task<IResult> PageAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "pay/assets/{name}")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(PageAsset));
}
