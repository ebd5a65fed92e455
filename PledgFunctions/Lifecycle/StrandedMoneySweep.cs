using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <summary>Refunds and reimbursements are made only by a running orchestration (the purchase's
/// lifecycle, a merchant refund's). One that failed (a bug, a replay that is no longer
/// deterministic after a deploy) or was terminated would leave the money it owed unpaid forever:
/// this finds them and starts them again, from what storage says (each one's first step reads the
/// purchase). Run every <see cref="RecoveryOptions.SweepEvery"/> by the standalone host
/// (<see cref="Engine.StrandedMoneySweepSchedule"/>) and by a timer function under the Functions
/// host (Functions/MaintenanceFunctions.cs), with the client each gives.
/// <para>Candidates are the engine's own failed and terminated instances, not the purchases: the
/// Purchases table grows by every purchase ever made and has no index by state, so finding money
/// due there means scanning all of it, and an index of its own would cost a second write (another
/// partition, so not in the same transaction) at every transition. The engine's Instances table is
/// bounded by the purge (<see cref="HistoryOptions.KeepFinishedFor"/>) and by what runs now, and a
/// status query is one filtered read of it; only the few failed or terminated instances cost a
/// point read of their purchase. An instance restarted here is running again, so it leaves the
/// candidates; one owing nothing stays until purged. The purge does not take a candidate first: the
/// sweep runs every few minutes, the purge only takes instances created a month ago.</para></summary>
public sealed class StrandedMoneySweep(PurchaseTable purchases, IOptions<PledgOptions> options, TimeProvider time, ILogger<StrandedMoneySweep> logger)
{
    private static readonly OrchestrationRuntimeStatus[] Stranded = [OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <summary>A restart replaces an instance in any of these; a running one stands.</summary>
    private static readonly OrchestrationRuntimeStatus[] Live =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    /// <summary>Returns how many instances it started again.</summary>
    public async Task<int> SweepAsync(DurableTaskClient client, CancellationToken ct)
    {
        var restarted = 0;
        var query = new OrchestrationQuery { Statuses = Stranded, FetchInputsAndOutputs = false };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(ct))
        {
            var start = await RestartOfAsync(instance.InstanceId, ct);
            if (start is null) continue;
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(start.Value.Name, start.Value.Input,
                    new StartOrchestrationOptions(InstanceId: instance.InstanceId).WithDedupeStatuses(Live), ct);
                restarted++;
                logger.LogWarning("Restarted {Status} orchestration {InstanceId}: money is owed and nothing else would pay it",
                    instance.RuntimeStatus, instance.InstanceId);
            }
            catch (Exception e) when (LifecycleSignals.IsAlreadyStarted(e))
            {
                // A retried create restarted it first (LifecycleSignals.StartAsync).
            }
        }
        return restarted;
    }

    /// <summary>What to start again in place of an ended instance, or null when it owes nothing:
    /// a purchase's lifecycle while money is due, or while it is open past its deadline (nothing
    /// else fails it there, and its paid shares are owed back once it fails); a merchant refund
    /// while its request is the pending one. Redeliveries move no money and are left alone.</summary>
    private async Task<(string Name, object Input)?> RestartOfAsync(string instanceId, CancellationToken ct)
    {
        var firstRetry = options.Value.Webhooks.FirstRetryDelay;
        if (PurchaseKeys.IsPurchaseId(instanceId))
        {
            var p = await purchases.GetPurchaseAsync(instanceId, ct);
            var overdue = p is not null && !PurchaseStates.IsFinal(p.State) && time.GetUtcNow() >= p.Deadline;
            return p is not null && (MoneyPlan.IsMoneyDue(p) || overdue)
                ? (nameof(PurchaseLifecycle), new LifecycleInput(instanceId, firstRetry, p.Deadline, EmailFirstRetry: options.Value.Email.FirstRetryDelay)) : null;
        }
        if (!MerchantRefund.TryParseInstanceId(instanceId, out var purchaseId, out var requestId)) return null;
        var purchase = await purchases.GetPurchaseAsync(purchaseId, ct);
        return purchase is { RefundStatus: RefundStatuses.Pending } && purchase.RefundRequestId == requestId
            ? (nameof(MerchantRefund), new MerchantRefundInput(purchaseId, requestId, firstRetry)) : null;
    }
}
