using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <summary>How requests talk to a purchase's orchestration (instance id = purchase id): start it
/// when the purchase is created, nudge it before a change. The orchestration reads storage to
/// decide, so these carry no state of their own. Scoped: it holds the request's Durable client
/// (under the Functions host, the one the function's <c>[DurableClient]</c> binding gave for this
/// invocation), so nothing long-lived keeps a source.Client.</summary>
public sealed class LifecycleSignals(IDurableClientSource source, StartedInstances started, IEngineReadiness engine, PurchaseTable purchases,
    IOptions<PledgOptions> options, TimeProvider time)
{
    /// <summary>Before the purchase row is inserted, so no purchase exists without its deadline
    /// timer; an orchestration whose purchase never lands ends by itself ("absent"). A retried
    /// create reuses the purchase id its Idempotency-Key reserved: the running instance stands, but
    /// one that already ended "absent" (the first attempt died before its insert) or failed is
    /// started again, or the purchase about to be inserted would have no lifecycle.</summary>
    public async Task StartAsync(string purchaseId, DateTimeOffset deadline, CancellationToken ct)
    {
        await engine.WaitAsync(ct);
        var input = new LifecycleInput(purchaseId, options.Value.Webhooks.FirstRetryDelay, deadline, EmailFirstRetry: options.Value.Email.FirstRetryDelay);
        try
        {
            await ScheduleAsync(input, [.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses], ct);
        }
        catch (Exception e) when (IsAlreadyStarted(e))
        {
            var existing = await source.Client.GetInstanceAsync(purchaseId, getInputsAndOutputs: true, ct);
            if (existing is null || !Ended(existing)) return;
            try
            {
                await ScheduleAsync(input, [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended], ct);
            }
            catch (Exception again) when (IsAlreadyStarted(again))
            {
                // A concurrent retry restarted it first.
            }
        }
    }

    /// <summary>Ended without a purchase to look after: it found none, or it failed.</summary>
    private static bool Ended(OrchestrationMetadata instance) => instance.RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Completed => instance.ReadOutputAs<string>() == PurchaseLifecycle.Absent,
        OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => true,
        _ => false,
    };

    private Task ScheduleAsync(LifecycleInput input, OrchestrationRuntimeStatus[] dedupe, CancellationToken ct) =>
        source.Client.ScheduleNewOrchestrationInstanceAsync(nameof(PurchaseLifecycle), input,
            new StartOrchestrationOptions(InstanceId: input.PurchaseId).WithDedupeStatuses(dedupe), ct);

    /// <summary>Before the refund request commits refundStatus pending (see <see cref="MerchantRefund"/>).</summary>
    public async Task StartRefundAsync(string purchaseId, string requestId, CancellationToken ct)
    {
        await engine.WaitAsync(ct);
        await source.Client.ScheduleNewOrchestrationInstanceAsync(nameof(MerchantRefund),
            new MerchantRefundInput(purchaseId, requestId, options.Value.Webhooks.FirstRetryDelay),
            new StartOrchestrationOptions(InstanceId: MerchantRefund.InstanceId(purchaseId, requestId)), ct);
    }

    /// <summary>Raised before the change it announces. The Azure Storage provider discards an event
    /// that reaches an instance whose start message has not been processed yet ("No such
    /// instance"): right after a create, and after a crash or a lease move, when the start a dead
    /// worker had dequeued comes back only after the queue's visibility timeout. A nudge is what
    /// settles the authorization of a request that dies, so while the instance has not started (for
    /// a purchase under <see cref="StartUnsureFor"/> old: while it is not known started), a charge is
    /// also written down in the purchase's partition (<see cref="AnnouncementEntity"/>),
    /// where the instance's first observation finds it whether or not the event survives. So is a
    /// cancel: one whose event is lost and whose commit lands after that first observation would
    /// otherwise be noticed only at the deadline (its notification, its refunds after a pledge). Written
    /// before the event is raised: if the event is discarded, the row landed before the instance
    /// started, so before its first observation. The fault suite found authorizations left open
    /// (never voided, or committed and never captured) before this.</summary>
    public async Task NudgeAsync(string purchaseId, Nudge nudge, CancellationToken ct)
    {
        await engine.WaitAsync(ct);
        if (!started.Contains(purchaseId))
        {
            var asking = HasStartedAsync(purchaseId, ct);
            // Young, the instance has likely not started: announce while asking, not after.
            if (IsYoung(purchaseId)) await Task.WhenAll(AnnounceAsync(purchaseId, nudge, ct), asking);
            else if (!await asking) await AnnounceAsync(purchaseId, nudge, ct);
        }
        await source.Client.RaiseEventAsync(purchaseId, Nudge.EventName, nudge, ct);
    }

    private async Task AnnounceAsync(string purchaseId, Nudge nudge, CancellationToken ct)
    {
        try
        {
            await purchases.InsertAsync(new AnnouncementEntity
            {
                PartitionKey = purchaseId, RowKey = AnnouncementEntity.RowKeyFor(nudge.AuthorizationKey ?? $"{nudge.Kind}-{Guid.NewGuid():N}"),
                Kind = nudge.Kind, AuthorizationKey = nudge.AuthorizationKey ?? "", AnnouncedAt = time.GetUtcNow(),
            }, ct);
        }
        // The key is this request's own: a conflict is our insert, landed and retried by the storage SDK.
        catch (Exception e) when (StorageErrors.IsConflict(e)) { }
    }

    /// <summary>Younger than this, a purchase's instance may well not have processed its start: a
    /// nudge not known started writes its announcement while it asks, instead of after the answer.
    /// In the lifecycle benchmark (a pledge right after its create) 346 of 351 pledges found their
    /// instance still pending and paid for the read and the write one after the other. Once an
    /// instance is seen running, its nudges neither ask nor announce.</summary>
    public static readonly TimeSpan StartUnsureFor = TimeSpan.FromMinutes(1);

    private bool IsYoung(string purchaseId) =>
        PurchaseKeys.CreatedAt(purchaseId) is { } created && time.GetUtcNow() - created < StartUnsureFor;

    /// <summary>Whether the instance has processed its start (its history exists), so it keeps
    /// every event; asked of the engine (the caller has looked in <see cref="StartedInstances"/> first). None
    /// (a purchase older than its lifecycle) or ended counts as started: there is no first
    /// observation left to read an announcement.</summary>
    private async Task<bool> HasStartedAsync(string purchaseId, CancellationToken ct)
    {
        var instance = await source.Client.GetInstanceAsync(purchaseId, getInputsAndOutputs: false, ct);
        if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Pending) return false;
        if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Running) started.Add(purchaseId);
        return true;
    }

    /// <summary>A start its dedupe statuses refused: the instance id is taken.</summary>
    internal static bool IsAlreadyStarted(Exception e) =>
        e is OrchestrationAlreadyExistsException || e is RpcException { StatusCode: StatusCode.AlreadyExists }
        || e.InnerException is not null && IsAlreadyStarted(e.InnerException);
}

/// <summary>Completes once the engine accepts calls (the standalone sidecar is up).</summary>
public interface IEngineReadiness
{
    bool IsReady { get; }

    Task WaitAsync(CancellationToken ct);
}

/// <summary>Under the Functions host the engine is the host's: always there.</summary>
public sealed class HostedEngine : IEngineReadiness
{
    public bool IsReady => true;

    public Task WaitAsync(CancellationToken ct) => Task.CompletedTask;
}
