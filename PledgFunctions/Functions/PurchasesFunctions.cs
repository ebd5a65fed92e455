using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace PledgFunctions.Functions;

/// <summary>The merchant API under the Functions host. Each function is its route and the name of
/// the endpoint that answers it (Purchases/PurchasesApi.cs); those that start or signal a
/// purchase's orchestration also bind the Durable client.</summary>
public sealed class PurchasesFunctions(FunctionEndpoints endpoints)
{
    [Function(nameof(CreatePurchase))]
    public Task<IResult> CreatePurchase([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/purchases")] HttpRequest req,
        [DurableClient] DurableTaskClient client) => endpoints.RunAsync(req, nameof(CreatePurchase), client);

    [Function(nameof(ListPurchases))]
    public Task<IResult> ListPurchases([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/purchases")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(ListPurchases));

    [Function(nameof(GetPurchase))]
    public Task<IResult> GetPurchase([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/purchases/{id}")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(GetPurchase));

    [Function(nameof(GetPurchaseStatus))]
    public Task<IResult> GetPurchaseStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/purchases/{id}/status")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(GetPurchaseStatus));

    [Function(nameof(EditPurchase))]
    public Task<IResult> EditPurchase([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/purchases/{id}")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(EditPurchase));

    [Function(nameof(CancelPurchase))]
    public Task<IResult> CancelPurchase([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/purchases/{id}/cancel")] HttpRequest req,
        [DurableClient] DurableTaskClient client) => endpoints.RunAsync(req, nameof(CancelPurchase), client);

    [Function(nameof(RefundPurchase))]
    public Task<IResult> RefundPurchase([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/purchases/{id}/refund")] HttpRequest req,
        [DurableClient] DurableTaskClient client) => endpoints.RunAsync(req, nameof(RefundPurchase), client);

    [Function(nameof(ListMessages))]
    public Task<IResult> ListMessages([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/purchases/{id}/messages")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(ListMessages));

    [Function(nameof(ListPayments))]
    public Task<IResult> ListPayments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/purchases/{id}/payments")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(ListPayments));
}
