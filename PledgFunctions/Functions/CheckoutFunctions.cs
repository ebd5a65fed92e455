using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace PledgFunctions.Functions;

/// <summary>The organizer's hosted-page API under the Functions host (Checkout/CheckoutApi.cs).</summary>
public sealed class CheckoutFunctions(FunctionEndpoints endpoints)
{
    [Function(nameof(GetCheckout))]
    public Task<IResult> GetCheckout([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/checkout/{organizerToken}")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(GetCheckout));

    [Function(nameof(Pledge))]
    public Task<IResult> Pledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/checkout/{organizerToken}/pledge")] HttpRequest req,
        [DurableClient] DurableTaskClient client) => endpoints.RunAsync(req, nameof(Pledge), client);
}
