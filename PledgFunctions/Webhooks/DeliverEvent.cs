using Microsoft.DurableTask;

namespace PledgFunctions.Webhooks;

/// <summary>A merchant's redelivery of one event: the same attempts and retry schedule as the
/// purchase's own delivery, in an orchestration of its own (the purchase's may have ended).</summary>
public sealed class DeliverEvent : TaskOrchestrator<DeliverEventInput, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, DeliverEventInput input) =>
        context.CallActivityAsync<string>(nameof(NotifyMerchant),
            new NotifyInput(input.PurchaseId, input.EventId, context.CurrentUtcDateTime), RetrySchedule.Policy(input.FirstRetry));
}

public sealed record DeliverEventInput(string PurchaseId, string EventId, TimeSpan FirstRetry);
