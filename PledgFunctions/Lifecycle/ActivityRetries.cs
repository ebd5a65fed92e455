using System.Text.Json;
using Microsoft.DurableTask;
using PledgFunctions.Payments;

namespace PledgFunctions.Lifecycle;

/// <summary>Which activity failures another try can cure. Storage 5xx, timeouts and throttling, a
/// card network that is unavailable, a merchant's busy endpoint: transient, retried by the policy.
/// A definitive refusal of the gateway and our own bugs (a payload that does not deserialize, a
/// broken invariant) fail the same way every time: retrying them only grows the history, so the
/// policy stops at once and the caller records the failure.</summary>
public static class ActivityRetries
{
    public static bool IsPermanent(TaskFailureDetails failure) =>
        Is<RefundRefusedException>(failure) || Is<JsonException>(failure) || Is<NotSupportedException>(failure)
        || Is<ArgumentException>(failure) || Is<NullReferenceException>(failure) || Is<FormatException>(failure)
        // A disposed service is a host shutting down, not a bug: the next try runs on a live one.
        || Is<InvalidOperationException>(failure) && !Is<ObjectDisposedException>(failure);

    /// <summary>Exponential backoff over transient failures only.</summary>
    public static TaskOptions Transient(int attempts, TimeSpan firstRetry, TimeSpan? maxRetry = null) =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(attempts, firstRetry, backoffCoefficient: 2, maxRetry)
        {
            HandleFailure = failure => !IsPermanent(failure),
        });

    // ErrorType is the exception's full name; IsCausedBy adds its base types when it can load the type.
    private static bool Is<T>(TaskFailureDetails failure) where T : Exception =>
        failure.ErrorType == typeof(T).FullName || failure.IsCausedBy<T>();
}
