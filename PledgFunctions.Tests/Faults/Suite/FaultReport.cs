using System.Collections.Concurrent;

namespace PledgFunctions.Faults;

/// <summary>What the suite found: violations (any one fails the run) and the figures of each phase.</summary>
public sealed class FaultReport(Action<string> log)
{
    private const int MaxPrintedPerPhase = 20;
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<string> _figures = new();
    private readonly ConcurrentDictionary<string, int> _perPhase = new();

    public IReadOnlyList<string> Violations => [.. _violations];
    public IReadOnlyList<string> Figures => [.. _figures];

    public void Violation(string phase, string message)
    {
        _violations.Enqueue($"[{phase}] {message}");
        if (_perPhase.AddOrUpdate(phase, 1, (_, n) => n + 1) <= MaxPrintedPerPhase) log($"VIOLATION [{phase}] {message}");
    }

    public void Figure(string phase, string message)
    {
        _figures.Enqueue($"[{phase}] {message}");
        log($"[{phase}] {message}");
    }

    public void Progress(string phase, string message) => log($"  {phase}: {message}");
}
