using Microsoft.DurableTask;
using PledgFunctions.Storage;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Lifecycle;

public sealed record MerchantRefundInput(string PurchaseId, string RequestId, TimeSpan WebhookFirstRetry);

/// <summary>One merchant refund request (instance id <c>{purchaseId}-refund-{requestId}</c>), started
/// BEFORE the request commits refundStatus pending, like the nudges: the purchase's own orchestration
/// may have ended long ago. It looks at storage until its request's commit shows (the purchase row
/// names the request that landed), makes the refunds (<see cref="SettleMoney"/>) and delivers the
/// purchase.refunded event with the webhook retry policy. If another request's commit landed, or
/// none within <see cref="CommitGrace"/>, it ends without doing anything.</summary>
public sealed class MerchantRefund : TaskOrchestrator<MerchantRefundInput, string>
{
    public static readonly TimeSpan CommitGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(1);

    private const string InstanceInfix = "-refund-";

    public static string InstanceId(string purchaseId, string requestId) => $"{purchaseId}{InstanceInfix}{requestId}";

    /// <summary>The purchase and request an instance id names, or false for another orchestration's id.</summary>
    public static bool TryParseInstanceId(string instanceId, out string purchaseId, out string requestId)
    {
        var infix = instanceId.IndexOf(InstanceInfix, StringComparison.Ordinal);
        (purchaseId, requestId) = infix < 0 ? ("", "") : (instanceId[..infix], instanceId[(infix + InstanceInfix.Length)..]);
        return infix >= 0 && PurchaseKeys.IsPurchaseId(purchaseId);
    }

    public override async Task<string> RunAsync(TaskOrchestrationContext context, MerchantRefundInput input)
    {
        var giveUpAt = context.CurrentUtcDateTime + CommitGrace;
        var settled = await SettleAsync(context, input.PurchaseId);
        while (settled?.RefundRequestId != input.RequestId)
        {
            if (settled is null)
            {
                // Storage stayed down through the retry policy: a new generation tries again, its history short.
                context.ContinueAsNew(input, preserveUnprocessedEvents: true);
                return PurchaseLifecycle.Continued;
            }
            if (settled.RefundRequestId is not null || context.CurrentUtcDateTime >= giveUpAt) return "not-ours";
            await context.CreateTimer(context.CurrentUtcDateTime + LookAgain, CancellationToken.None);
            settled = await SettleAsync(context, input.PurchaseId);
        }
        await Task.WhenAll(settled.RefundEvents.Select(eventId => context.CallActivityAsync(nameof(NotifyMerchant),
            new NotifyInput(input.PurchaseId, eventId, context.CurrentUtcDateTime), RetrySchedule.Policy(input.WebhookFirstRetry))));
        return settled.RefundStatus ?? "none";
    }

    /// <summary>Null after transient failures only; a permanent one fails the instance, where an operator sees it.</summary>
    private static async Task<MoneySettlement?> SettleAsync(TaskOrchestrationContext context, string purchaseId)
    {
        try
        {
            return await context.CallActivityAsync<MoneySettlement>(nameof(SettleMoney), purchaseId, SettleMoney.Retry);
        }
        catch (TaskFailedException e) when (!ActivityRetries.IsPermanent(e.FailureDetails))
        {
            return null;
        }
    }
}
