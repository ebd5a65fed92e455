using System.Collections.Concurrent;

namespace PledgFunctions.Lifecycle;

/// <summary>Purchase instances this process has seen running: their later nudges skip the status
/// read (<see cref="LifecycleSignals.NudgeAsync"/>). A process-wide memory, apart from the
/// per-request signals; bounded by clearing it (a miss only costs that read again).</summary>
public sealed class StartedInstances
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

    public bool Contains(string purchaseId) => _seen.ContainsKey(purchaseId);

    public void Add(string purchaseId)
    {
        if (_seen.Count >= Capacity) _seen.Clear();
        _seen.TryAdd(purchaseId, 0);
    }
}
