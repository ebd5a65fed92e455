using System.Collections.Concurrent;

namespace PledgFunctions.Payments;

/// <summary>Captures a committed charge beside the request's answer instead of before it: once the
/// commit landed the share is paid in our books and its capture is guaranteed anyway (the
/// purchase's orchestration captures every committed charge it settles, <see cref="ChargeSettlement"/>),
/// so the pledger does not wait for the gateway's second call. This is the prompt try; a process that
/// dies or a gateway that fails meanwhile leaves it to the orchestration, as a crash between commit
/// and capture always did. A stop waits for the tries in flight.</summary>
public sealed class PromptCaptures(ICardGateway gateway, ILogger<PromptCaptures> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How long a stop waits for captures in flight before leaving them to the orchestration.</summary>
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(10);

    public void Start(string chargeId)
    {
        var capture = Task.Run(() => CaptureAsync(chargeId));
        _inFlight.TryAdd(capture, 0);
        capture.ContinueWith(done => _inFlight.TryRemove(done, out _), TaskScheduler.Default);
    }

    private async Task CaptureAsync(string chargeId)
    {
        try
        {
            await gateway.CaptureAsync(chargeId, _stopping.Token);
        }
        catch (Exception e)
        {
            // The share is paid in our books; the orchestration's settlement captures it.
            logger.LogWarning(e, "Capture of {ChargeId} failed after commit; the purchase's orchestration will complete it", chargeId);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(StopWithin, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await _stopping.CancelAsync();
        }
    }
}
