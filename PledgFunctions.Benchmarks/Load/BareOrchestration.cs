using Microsoft.DurableTask;

namespace PledgFunctions.Benchmarks.Load;

public sealed record BareInput(int Events, TimeSpan Timer);

/// <summary>The engine's floor for a purchase's waits, with no application storage: started, then
/// <see cref="BareInput.Events"/> external events (the pledge and N pays), each followed by an
/// activity that does nothing, then one durable timer. What a lifecycle's orchestration costs
/// beyond this is the price of its own design (its timer races, its observations, its linger).</summary>
public sealed class BareLifecycle : TaskOrchestrator<BareInput, int>
{
    public const string EventName = "Step";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, BareInput input)
    {
        for (var i = 0; i < input.Events; i++)
        {
            await context.WaitForExternalEvent<int>(EventName);
            await context.CallActivityAsync<int>(nameof(BareStep), i);
        }
        await context.CreateTimer(context.CurrentUtcDateTime + input.Timer, CancellationToken.None);
        return input.Events;
    }
}

/// <summary>Does nothing: the cost of scheduling an activity and recording its result.</summary>
public sealed class BareStep : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}
