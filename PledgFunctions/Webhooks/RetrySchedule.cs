using Microsoft.DurableTask;

namespace PledgFunctions.Webhooks;

/// <summary>When a failed delivery is tried again: <c>Pledg:Webhooks:FirstRetryDelay</c> after the
/// first failure, doubled after each next one, capped at an hour, for at least a day.</summary>
public static class RetrySchedule
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);
    public static readonly TimeSpan RetryFor = TimeSpan.FromHours(24);

    /// <summary>The wait before the attempt after failed attempt number <paramref name="failedAttempt"/>
    /// (1-based), or null when the event has been retried long enough and is given up.</summary>
    public static TimeSpan? DelayAfter(int failedAttempt, DateTimeOffset createdAt, DateTimeOffset now, TimeSpan firstRetryDelay)
    {
        if (now - createdAt >= RetryFor) return null;
        // 2^20 first delays exceed the cap for any first delay >= 4 ms; stop doubling there so nothing overflows.
        var delay = firstRetryDelay * Math.Pow(2, Math.Min(failedAttempt - 1, 20));
        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>The same schedule as a durable retry policy on <see cref="NotifyMerchant"/>, which
    /// ends the retries itself (by returning) once the event has been retried for a day.</summary>
    public static TaskOptions Policy(TimeSpan firstRetryDelay) => Lifecycle.ActivityRetries.Transient(int.MaxValue, firstRetryDelay, MaxDelay);
}
