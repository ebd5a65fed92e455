using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using PledgFunctions.Lifecycle;
using PledgFunctions.Messages;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Functions;

/// <summary>The orchestrations and activities as the Functions host sees them: one function per
/// class, named after it, calling the very classes the standalone engine runs (no source generator
/// is served here, so the wrappers are written by hand).</summary>
public sealed class LifecycleFunctions(ObservePurchase observe, FailPurchaseAtDeadline failAtDeadline, NotifyMerchant notify, SendMessages send, ReopenEvent reopen,
    SettleMoney settleMoney)
{
    [Function(nameof(PurchaseLifecycle))]
    public static Task<string> PurchaseLifecycle([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new PurchaseLifecycle().RunAsync(context, context.GetInput<LifecycleInput>()!);

    [Function(nameof(DeliverEvent))]
    public static Task<string> DeliverEvent([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new DeliverEvent().RunAsync(context, context.GetInput<DeliverEventInput>()!);

    [Function(nameof(MerchantRefund))]
    public static Task<string> MerchantRefund([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new MerchantRefund().RunAsync(context, context.GetInput<MerchantRefundInput>()!);

    [Function(nameof(SettleMoney))]
    public Task<MoneySettlement> SettleMoney([ActivityTrigger] string purchaseId, CancellationToken ct) => settleMoney.SettleAsync(purchaseId, ct);

    [Function(nameof(ObservePurchase))]
    public Task<PurchaseObservation> ObservePurchase([ActivityTrigger] ObserveInput input, CancellationToken ct) =>
        observe.ObserveAsync(input, ct);

    [Function(nameof(FailPurchaseAtDeadline))]
    public Task<PurchaseObservation> FailPurchaseAtDeadline([ActivityTrigger] ObserveInput input, CancellationToken ct) =>
        failAtDeadline.FailAsync(input, ct);

    [Function(nameof(NotifyMerchant))]
    public Task<string> NotifyMerchant([ActivityTrigger] NotifyInput input, CancellationToken ct) => notify.DeliverAsync(input, ct);

    [Function(nameof(SendMessages))]
    public Task<string> SendMessages([ActivityTrigger] SendInput input, CancellationToken ct) => send.SendAsync(input, ct);

    [Function(nameof(ReopenEvent))]
    public Task<string> ReopenEvent([ActivityTrigger] ReopenInput input, CancellationToken ct) => reopen.ReopenAsync(input, ct);
}
