using System.Collections.Concurrent;
using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;

namespace PledgFunctions.Lifecycle;

/// <summary>How requests talk to a purchase's orchestration (instance id = purchase id): start it
/// when the purchase is created, nudge it before a change. The orchestration reads storage to
/// decide, so these carry no state of their own.</summary>
public sealed class LifecycleSignals(IDurableClientSource source, IEngineReadiness engine, IOptions<PledgOptions> options, TimeProvider time)
{
    /// <summary>Before the purchase row is inserted, so no purchase exists without its deadline
    /// timer; an orchestration whose purchase never lands ends by itself ("absent"). A retried
    /// create reuses the purchase id its Idempotency-Key reserved: the running instance stands, but
    /// one that already ended "absent" (the first attempt died before its insert) or failed is
    /// started again, or the purchase about to be inserted would have no lifecycle.</summary>
    public async Task StartAsync(string purchaseId, DateTimeOffset deadline, CancellationToken ct)
    {
        await engine.WaitAsync(ct);
        var input = new LifecycleInput(purchaseId, options.Value.Webhooks.FirstRetryDelay, deadline);
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

    public async Task NudgeAsync(string purchaseId, Nudge nudge, CancellationToken ct)
    {
        await engine.WaitAsync(ct);
        await WaitUntilStartedAsync(purchaseId, ct);
        await source.Client.RaiseEventAsync(purchaseId, Nudge.EventName, nudge, ct);
    }

    /// <summary>How long a nudge waits for its instance to start. Past it the nudge is raised anyway
    /// rather than refusing the request: the instance's first observation still sees every change
    /// that commits; only the authorization of a request that also dies before committing could
    /// then stay open (docs/lifecycle.md, Limits). Refusing instead (503) kept pledges failing for
    /// the 30 s a killed worker holds a start.</summary>
    public static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(2);

    /// <summary>Instances seen started by this process: their later nudges skip the status read.
    /// Bounded by clearing it (a miss only costs that read again).</summary>
    private readonly ConcurrentDictionary<string, byte> _started = new(StringComparer.Ordinal);
    private const int StartedCapacity = 10_000;

    /// <summary>The Azure Storage provider discards an event that reaches an instance whose start
    /// message has not been processed yet ("No such instance"): after a crash or a lease move, the
    /// start a dead worker had dequeued comes back only after the queue's visibility timeout, and a
    /// nudge sent meanwhile can be dequeued first. A nudge is what settles the authorization of a
    /// request that dies, so it is raised only once the instance has started (its history exists).
    /// The fault suite found authorizations left open before this.</summary>
    private async Task WaitUntilStartedAsync(string purchaseId, CancellationToken ct)
    {
        if (_started.ContainsKey(purchaseId)) return;
        var since = time.GetTimestamp();
        for (var delay = TimeSpan.FromMilliseconds(25); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks)))
        {
            var instance = await source.Client.GetInstanceAsync(purchaseId, getInputsAndOutputs: false, ct);
            // None (a purchase older than its lifecycle) or ended: nobody to lose the event; raised anyway.
            if (instance is null || instance.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Running)
                {
                    if (_started.Count >= StartedCapacity) _started.Clear();
                    _started.TryAdd(purchaseId, 0);
                }
                return;
            }
            if (time.GetElapsedTime(since) > StartWithin) return;
            await Task.Delay(delay, time, ct);
        }
    }

    private static bool IsAlreadyStarted(Exception e) =>
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
