using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PledgFunctions.Storage;

/// <summary>Counts every request sent to Table/Queue storage (each retry too), so benchmarks can
/// report storage operations per purchase lifecycle. Exposed as the <c>pledg.storage.operations</c>
/// metric and as a running total.</summary>
public sealed class StorageOperationCounter : HttpPipelineSynchronousPolicy
{
    public const string MeterName = "PledgFunctions.Storage";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Operations = Meter.CreateCounter<long>("pledg.storage.operations");
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public override void OnSendingRequest(HttpMessage message)
    {
        Interlocked.Increment(ref _total);
        Operations.Add(1);
    }
}
