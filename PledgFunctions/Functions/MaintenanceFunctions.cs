using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PledgFunctions.Lifecycle;
using PledgFunctions.Purchases;

namespace PledgFunctions.Functions;

/// <summary>Housekeeping the Functions host runs on a schedule; the standalone host runs the same
/// classes from a background service (Engine/HousekeepingSchedule.cs, Engine/StrandedMoneySweepSchedule.cs).</summary>
public sealed class MaintenanceFunctions(FinishedInstancePurge purge, StrandedMoneySweep sweep, IdempotencyExpiry keys)
{
    /// <summary>Hourly, at minute 17 (off the hour, when other apps' jobs crowd the account).</summary>
    [Function(nameof(PurgeFinishedInstances))]
    public Task PurgeFinishedInstances([TimerTrigger("0 17 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        purge.PurgeAsync(client, ct);

    /// <summary>Every 5 minutes (<see cref="Hosting.RecoveryOptions.SweepEvery"/>'s default): how
    /// long money owed by a failed or terminated orchestration waits at most.</summary>
    [Function(nameof(SweepStrandedMoney))]
    public Task SweepStrandedMoney([TimerTrigger("0 */5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        sweep.SweepAsync(client, ct);

    /// <summary>Hourly, at minute 47: keys past the contract's 24 h go.</summary>
    [Function(nameof(DeleteExpiredIdempotencyKeys))]
    public Task DeleteExpiredIdempotencyKeys([TimerTrigger("0 47 * * * *")] TimerInfo timer, CancellationToken ct) =>
        keys.DeleteExpiredAsync(ct);
}
