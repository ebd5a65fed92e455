using System.Diagnostics;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Counts the sandbox card gateway's own table calls (which StorageOperationCounter leaves
/// out by design) from the HttpClient activities of this process: every request whose URL names the
/// SandboxGateway table. They cost Azurite time in every pledge and pay, so the time ratios include them.</summary>
public sealed class GatewayCallCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private long _total;

    public GatewayCallCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("url.full") is string url && url.Contains("/SandboxGateway", StringComparison.Ordinal))
                    Interlocked.Increment(ref _total);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
