using Microsoft.DurableTask;

namespace PledgFunctions.Webhooks;

/// <summary>A merchant's redelivery of one event, round <see cref="DeliverEventInput.Round"/>: the row
/// back to pending for this round (unless the request that started it got there first), then the
/// same attempts and retry schedule as the purchase's own delivery, in an orchestration of its own
/// (the purchase's may have ended).</summary>
public sealed class DeliverEvent : TaskOrchestrator<DeliverEventInput, string>
{
    /// <summary>One instance per event and round: a second start of the same round is refused.</summary>
    public static string InstanceId(string eventId, int round) => $"{eventId}-redelivery-{round}";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, DeliverEventInput input)
    {
        // Round 0: an instance started before rounds existed, whose request reopened the row itself;
        // calling the activity would break the replay of its history.
        if (input.Round > 0)
            await context.CallActivityAsync<string>(nameof(ReopenEvent), new ReopenInput(input.PurchaseId, input.EventId, input.Round),
                RetrySchedule.Policy(input.FirstRetry));
        return await context.CallActivityAsync<string>(nameof(NotifyMerchant),
            new NotifyInput(input.PurchaseId, input.EventId, context.CurrentUtcDateTime), RetrySchedule.Policy(input.FirstRetry));
    }
}

public sealed record DeliverEventInput(string PurchaseId, string EventId, TimeSpan FirstRetry, int Round = 0);
