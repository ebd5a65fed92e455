using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace PledgFunctions.Functions;

/// <summary>The merchant's notification events under the Functions host (Webhooks/WebhookEventsApi.cs).</summary>
public sealed class EventsFunctions(FunctionEndpoints endpoints)
{
    [Function(nameof(ListPurchaseEvents))]
    public Task<IResult> ListPurchaseEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/purchases/{id}/events")] HttpRequest req) =>
        endpoints.RunAsync(req, nameof(ListPurchaseEvents));

    [Function(nameof(RedeliverEvent))]
    public Task<IResult> RedeliverEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/events/{eventId}/redeliver")] HttpRequest req,
        [DurableClient] DurableTaskClient client) => endpoints.RunAsync(req, nameof(RedeliverEvent), client);
}
