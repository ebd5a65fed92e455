using Microsoft.Extensions.Logging.Abstractions;
using PledgFunctions.Payments;

namespace PledgFunctions.Tests.Payments;

/// <summary>The capture after a commit runs once the request has answered; a stop waits for the
/// captures in flight, and a capture that fails is left to the orchestration without failing anything.
/// A gateway that only records calls stands in for the card network here (no storage involved).</summary>
public sealed class PromptCapturesTests
{
    private sealed class HeldGateway : ICardGateway
    {
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly List<string> Captured = [];
        public bool Fail { get; init; }

        public async Task CaptureAsync(string chargeId, CancellationToken ct)
        {
            await Release.Task.WaitAsync(ct);
            if (Fail) throw new InvalidOperationException("gateway down");
            lock (Captured) Captured.Add(chargeId);
        }

        public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken ct) => throw new NotSupportedException();
        public Task VoidAsync(string chargeId, CancellationToken ct) => throw new NotSupportedException();
        public Task<string?> FindAuthorizationAsync(string idempotencyKey, CancellationToken ct) => throw new NotSupportedException();
        public Task<string> RefundAsync(string chargeId, long amount, string idempotencyKey, CancellationToken ct) => throw new NotSupportedException();
    }

    [Fact]
    public async Task StartReturnsAtOnceAndAStopWaitsForTheCaptureInFlight()
    {
        var gateway = new HeldGateway();
        var captures = new PromptCaptures(gateway, NullLogger<PromptCaptures>.Instance);

        captures.Start("ch_1"); // returns while the gateway still holds the call
        var stop = captures.StopAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(stop.IsCompleted);
        Assert.Empty(gateway.Captured);

        gateway.Release.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["ch_1"], gateway.Captured);
    }

    [Fact]
    public async Task AFailedCaptureIsLoggedNotThrown()
    {
        var gateway = new HeldGateway { Fail = true };
        var captures = new PromptCaptures(gateway, NullLogger<PromptCaptures>.Instance);

        captures.Start("ch_2");
        gateway.Release.SetResult();
        await captures.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(gateway.Captured);
    }
}
