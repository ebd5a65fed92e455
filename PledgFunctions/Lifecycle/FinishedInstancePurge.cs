using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;

namespace PledgFunctions.Lifecycle;

/// <summary>Deletes the engine's rows (history, instance status, large-message blobs) of
/// orchestrations that ended long ago. The Azure Storage provider never deletes them itself, so
/// without this the task hub grows by every purchase, delivery and refund ever made. Only ended
/// instances created before <see cref="HistoryOptions.KeepFinishedFor"/> go: one still retrying a
/// notification or a refund is running and stays, whatever its age. Application rows (the purchase,
/// shares, the payments ledger, events) are another table and never touched. Run hourly by the
/// standalone host (<see cref="Engine.HousekeepingSchedule"/>) and by a timer function under the
/// Functions host (Functions/MaintenanceFunctions.cs), with the client each gives.</summary>
public sealed class FinishedInstancePurge(IOptions<PledgOptions> options, TimeProvider time, ILogger<FinishedInstancePurge> logger)
{
    private static readonly OrchestrationRuntimeStatus[] Ended =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    public async Task<int> PurgeAsync(DurableTaskClient client, CancellationToken ct)
    {
        var createdBefore = time.GetUtcNow() - options.Value.History.KeepFinishedFor;
        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UnixEpoch, createdBefore, Ended), ct);
        if (result.PurgedInstanceCount > 0)
            logger.LogInformation("Purged the history of {Count} ended orchestrations created before {CreatedBefore:o}", result.PurgedInstanceCount, createdBefore);
        return result.PurgedInstanceCount;
    }
}
