using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace PledgFunctions.Benchmarks.Load;

/// <param name="Events">The pledge and the N pays.</param>
/// <param name="Timer">The wait after the last event (the linger's length).</param>
/// <param name="Window">The payment window: each event is awaited against a deadline timer, as a
/// purchase's are. Null: events only (the bare orchestration measured before 2026-12-02 14:30).</param>
public sealed record BareInput(int Events, TimeSpan Timer, TimeSpan? Window = null);

/// <summary>The engine's floor for a purchase's waits, with no application storage: started, then
/// <see cref="BareInput.Events"/> external events (the pledge and N pays), each raced against the
/// deadline's durable timer and followed by an activity that does nothing, then one durable timer.
/// The deadline timer is set at the start and again after the first event (the pledge moves a
/// purchase's deadline) when more events are to come, as a purchase's orchestration sets them.
/// What a lifecycle's orchestration costs beyond this is the price of its own design (its first
/// look, its re-checks, its observations, its linger's looks).</summary>
public sealed class BareLifecycle : TaskOrchestrator<BareInput, int>
{
    public const string EventName = "Step";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, BareInput input)
    {
        var deadline = Deadline(context, input);
        for (var i = 0; i < input.Events; i++)
        {
            var step = context.WaitForExternalEvent<int>(EventName);
            if (deadline is not null && await Task.WhenAny(step, deadline) == deadline) return i; // the deadline came first
            await context.CallActivityAsync<int>(nameof(BareStep), i);
            if (i == 0 && input.Events > 1) deadline = Deadline(context, input);
        }
        await context.CreateTimer(context.CurrentUtcDateTime + input.Timer, CancellationToken.None);
        return input.Events;
    }

    private static Task? Deadline(TaskOrchestrationContext context, BareInput input) =>
        input.Window is { } window ? context.CreateTimer(context.CurrentUtcDateTime + window, CancellationToken.None) : null;
}

/// <summary>Does nothing: the cost of scheduling an activity and recording its result.</summary>
public sealed class BareStep : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}

/// <summary>What a client does for one bare lifecycle.</summary>
public static class BareClient
{
    /// <summary>Start, then one event per pledge or pay, <paramref name="pace"/> apart. The first event
    /// waits until the instance has started: the Azure Storage provider discards an event processed
    /// before its instance's start, and a bare orchestration that lost one waits forever (the 10:36
    /// run of 2026-12-02 ended so). Returns the status reads that took, taken off the engine-cost
    /// counts like the final probes (the service's first nudge makes one such read); the start's and
    /// each event's latency go to <paramref name="started"/> and <paramref name="raised"/>.</summary>
    public static async Task<(string Id, int Probes)> RunOneAsync(DurableTaskClient client, BareInput input, TimeSpan pace,
        Action<double>? started = null, Action<double>? raised = null)
    {
        var id = $"bare_{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(BareLifecycle), input, new StartOrchestrationOptions(InstanceId: id));
        started?.Invoke(clock.Elapsed.TotalMilliseconds);
        var probes = 0;
        for (var i = 0; i < input.Events; i++)
        {
            if (pace > TimeSpan.Zero) await Task.Delay(pace);
            if (i == 0) probes = await WaitForStartAsync(client, id);
            clock.Restart();
            await client.RaiseEventAsync(id, BareLifecycle.EventName, i);
            raised?.Invoke(clock.Elapsed.TotalMilliseconds);
        }
        return (id, probes);
    }

    /// <summary>Asks until the instance has processed its start; returns how many status reads that took.</summary>
    private static async Task<int> WaitForStartAsync(DurableTaskClient client, string id)
    {
        for (var reads = 1; ; reads++)
        {
            if ((await client.GetInstanceAsync(id))?.RuntimeStatus is not (null or OrchestrationRuntimeStatus.Pending)) return reads;
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
