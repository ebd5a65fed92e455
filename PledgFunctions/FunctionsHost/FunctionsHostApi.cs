using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Deadlines;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Webhooks;

namespace PledgFunctions.FunctionsHost;

/// <summary>The Functions host's non-HTTP invocations: <c>POST /{function folder name}</c> on the
/// handler's port (docs/azure-functions.md, "Non-HTTP invocations"). The host owns each queue
/// message: it deletes it after a 2xx and retries it, then poisons it, after anything else. So a
/// handler never deletes or re-times the message; work to postpone is a new message (the deadline
/// processor's re-arm). Not reachable through the public HTTP functions, whose routes cover only
/// /api, /pay, /openapi and /docs.</summary>
public static class FunctionsHostApi
{
    public static IEndpointRouteBuilder MapFunctionsHost(this IEndpointRouteBuilder routes)
    {
        if (!FunctionsHostMode.InvocationsEnabled(routes.ServiceProvider.GetRequiredService<IConfiguration>())) return routes;
        var group = routes.MapGroup("").ExcludeFromDescription();
        group.MapPost("/deadline-timers", DeadlineTimerAsync);
        group.MapPost("/webhook-deliveries", WebhookDeliveryAsync);
        group.MapPost("/deadline-sweep", DeadlineSweepAsync);
        return routes;
    }

    public static async Task<JsonHttpResult<InvocationResult>> DeadlineTimerAsync(
        HttpRequest request, DeadlineProcessor processor, ILoggerFactory logs, CancellationToken ct)
    {
        var invocation = await Invocation.ReadAsync(request, ct);
        var text = invocation?.QueueMessage();
        if (text is null || TimerQueue.ParseMessage(text) is not { } timer)
            return Unreadable(logs, "deadline-timers", invocation);
        return await RunAsync(logs, "deadline-timers", async () =>
        {
            var outcome = await processor.OnTimerAsync(timer, ct);
            return $"deadline timer {invocation!.DescribeQueueMessage()} for {timer.PurchaseId}: {outcome}";
        });
    }

    public static async Task<JsonHttpResult<InvocationResult>> WebhookDeliveryAsync(
        HttpRequest request, WebhookDelivery delivery, ILoggerFactory logs, CancellationToken ct)
    {
        var invocation = await Invocation.ReadAsync(request, ct);
        var text = invocation?.QueueMessage();
        if (text is null || WebhookQueue.Parse(text) is not { } message)
            return Unreadable(logs, "webhook-deliveries", invocation);
        var what = $"webhook {message.EventId} attempt {message.Attempt} ({invocation!.DescribeQueueMessage()})";
        try
        {
            if (await delivery.HandleAsync(message, ct) == DeliveryOutcome.Done)
                return InvocationResult.Answer(StatusCodes.Status200OK, $"{what}: done");
            // The event's transaction has not landed yet: let the host show the message again.
            return InvocationResult.Answer(StatusCodes.Status503ServiceUnavailable, $"{what}: event not committed yet; retried after the visibility timeout");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(logs, "webhook-deliveries", e);
        }
    }

    /// <summary>Timer trigger, every minute: the due-index safety net and the recovery of orphaned
    /// card authorizations, the work the in-process SweepWorker and ChargeRecoveryWorker do
    /// without the host. Both run even if the other fails.</summary>
    public static async Task<JsonHttpResult<InvocationResult>> DeadlineSweepAsync(
        DeadlineSweep sweep, ChargeRecovery recovery, ILoggerFactory logs, CancellationToken ct)
    {
        var swept = await RunAsync(logs, "deadline-sweep", async () =>
        {
            var report = await sweep.RunOnceAsync(ct);
            return $"deadline sweep: {report.Examined} due-index row(s), {report.Failed} purchase(s) failed";
        });
        var recovered = await RunAsync(logs, "deadline-sweep", async () =>
        {
            var report = await recovery.RunOnceAsync(ct);
            return $"charge recovery: {report.Captured} captured, {report.Voided} voided";
        });
        var failed = swept.StatusCode != StatusCodes.Status200OK ? swept : recovered.StatusCode != StatusCodes.Status200OK ? recovered : null;
        return InvocationResult.Answer(failed?.StatusCode ?? StatusCodes.Status200OK, [.. swept.Value!.Logs, .. recovered.Value!.Logs]);
    }

    private static async Task<JsonHttpResult<InvocationResult>> RunAsync(ILoggerFactory logs, string function, Func<Task<string>> work)
    {
        try
        {
            return InvocationResult.Answer(StatusCodes.Status200OK, await work());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(logs, function, e);
        }
    }

    private static JsonHttpResult<InvocationResult> Failed(ILoggerFactory logs, string function, Exception e)
    {
        logs.CreateLogger(typeof(FunctionsHostApi)).LogError(e, "{Function} invocation failed; the host retries a queue message, then poisons it", function);
        var status = StorageErrors.IsUnavailable(e) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        return InvocationResult.Answer(status, $"{function} failed: {e.GetType().Name}: {e.GetBaseException().Message}");
    }

    /// <summary>Retrying will not make it readable, but failing is how a message reaches the
    /// -poison queue under the host (after maxDequeueCount tries), where an operator sees it.</summary>
    private static JsonHttpResult<InvocationResult> Unreadable(ILoggerFactory logs, string function, Invocation? invocation)
    {
        var what = invocation is null ? "invocation body is not {\"Data\": {...}}" : $"{invocation.DescribeQueueMessage()} is not a {function} message";
        logs.CreateLogger(typeof(FunctionsHostApi)).LogError("{Function}: {What}; failing it so the host retries and then poisons it", function, what);
        return InvocationResult.Answer(StatusCodes.Status400BadRequest, $"{function}: {what}");
    }
}
