namespace PledgFunctions.Faults;

/// <summary>How hard the fault suite pushes. <see cref="Full"/> is what docs/reliability.md
/// reports; <see cref="Short"/> is a quick check (about a minute). Both run from the benchmarks project, never in <c>dotnet test</c>.</summary>
public sealed record FaultSuiteOptions
{
    public required string Name { get; init; }
    public int Seed { get; init; } = 20261122;

    /// <summary>Service processes started, loaded and killed with SIGKILL.</summary>
    public required int CrashCycles { get; init; }
    /// <summary>Concurrent purchase flows (create, pledge, pay, cancel) during each cycle.</summary>
    public required int FlowsPerCycle { get; init; }
    /// <summary>Longest life of a process before its SIGKILL (each is killed at a random moment up to this).</summary>
    public required TimeSpan MaxLifetime { get; init; }
    /// <summary>Short, so every purchase of the crash cycles reaches its final state within the run.</summary>
    public required TimeSpan PaymentWindow { get; init; }

    /// <summary>How long after the payment window the last process may take to settle every purchase
    /// (final, refunds made, no authorization open) before the invariants are checked anyway. The
    /// engine needs minutes, not seconds, after 50 kills: what each killed process had dequeued
    /// comes back only after the queue visibility timeout (30 s), and hundreds of instances then
    /// wake at once behind Azurite's one thread.</summary>
    public TimeSpan SettleAllowance { get; init; } = TimeSpan.FromMinutes(4);

    public required TimeSpan OutageLength { get; init; }

    /// <summary>Shares each paid by <see cref="DuplicatesEach"/> concurrent requests, and
    /// Idempotency-Keys each sent that often at once.</summary>
    public required int DuplicateShares { get; init; }
    public required int DuplicateKeys { get; init; }
    public int DuplicatesEach { get; init; } = 20;

    public required int MalformedRequests { get; init; }

    public required TimeSpan FloodLength { get; init; }

    /// <summary>Only this group of phases ("crash", "outage" or "abuse"); null: all.</summary>
    public string? Only { get; init; }

    /// <summary>Runs the crash cycles (mostly waiting for processes and deadlines) beside the other phases.</summary>
    public bool Parallel { get; init; }

    public static FaultSuiteOptions Full => new()
    {
        Name = "full", CrashCycles = 50, FlowsPerCycle = 6, MaxLifetime = TimeSpan.FromSeconds(3), PaymentWindow = TimeSpan.FromSeconds(8),
        OutageLength = TimeSpan.FromSeconds(10), DuplicateShares = 50, DuplicateKeys = 50, MalformedRequests = 10_000,
        FloodLength = TimeSpan.FromSeconds(10),
    };

    public static FaultSuiteOptions Short => new()
    {
        Name = "short", CrashCycles = 5, FlowsPerCycle = 4, MaxLifetime = TimeSpan.FromSeconds(1.5), PaymentWindow = TimeSpan.FromSeconds(4),
        OutageLength = TimeSpan.FromSeconds(3), DuplicateShares = 10, DuplicateKeys = 10, MalformedRequests = 1_500,
        FloodLength = TimeSpan.FromSeconds(2), Parallel = true,
    };
}
