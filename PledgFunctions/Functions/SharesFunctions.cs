using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace PledgFunctions.Functions;

/// <summary>The pledgers' hosted-page API under the Functions host (Shares/SharesApi.cs).</summary>
public sealed class SharesFunctions(FunctionEndpoints endpoints)
{
    [Function(nameof(GetShare))]
    public Task<IResult> GetShare([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/shares/{shareToken}")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(GetShare));

    [Function(nameof(PayShare))]
    public Task<IResult> PayShare([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/shares/{shareToken}/pay")] HttpRequest req,
        [DurableClient] DurableTaskClient client) => endpoints.RunAsync(req, nameof(PayShare), client);
}
