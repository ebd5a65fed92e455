using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <summary>The purchase state machine as pure rules: which step is allowed now, and what a
/// purchase truly is at a given instant. A purchase whose deadline has passed is FAILED from
/// that instant, whether or not the deadline timer has written it yet, so every read and every
/// decision goes through <see cref="Effective"/> with the time read from TimeProvider.</summary>
public static class PurchaseRules
{
    public static bool IsOverdue(PurchaseEntity p, DateTimeOffset now) => p.State == PurchaseStates.Initialized && now >= p.Deadline;

    /// <summary>The state, failure reason and completion time a client must see at <paramref name="now"/>.
    /// An overdue purchase failed at its deadline, which is also the completedAt the timer writes.</summary>
    public static EffectiveState Effective(PurchaseEntity p, DateTimeOffset now) => IsOverdue(p, now)
        ? new EffectiveState(PurchaseStates.Failed, FailureReasons.DeadlineExpired, p.Deadline)
        : new EffectiveState(p.State, p.FailureReason, p.CompletedAt);

    public static string EffectiveShareState(PurchaseEntity p, ShareEntity share, DateTimeOffset now) =>
        share.State == PurchaseStates.Initialized && IsOverdue(p, now) ? PurchaseStates.Failed : share.State;

    /// <summary>Pledging and cancelling belong to the step before the organizer pays.</summary>
    public static string? WhyNotBeforePledge(PurchaseEntity p, DateTimeOffset now, string action)
    {
        var state = Effective(p, now).State;
        if (state != PurchaseStates.Initialized) return $"The purchase is {state}; it can no longer be {action}.";
        if (p.PledgedAt is not null) return $"The organizer has already paid; the purchase can no longer be {action}.";
        return null;
    }

    /// <summary>A cancel is allowed while INITIALIZED, before or after the organizer paid (the money then follows).</summary>
    public static string? WhyNotCancellable(PurchaseEntity p, DateTimeOffset now)
    {
        var state = Effective(p, now).State;
        return state == PurchaseStates.Initialized ? null : $"The purchase is {state}; it can no longer be cancelled.";
    }

    public static PayCheck CheckPay(PurchaseEntity p, ShareEntity share, DateTimeOffset now)
    {
        if (share.State == PurchaseStates.Succeeded) return PayCheck.AlreadyPaid;
        if (share.State != PurchaseStates.Initialized || Effective(p, now).State != PurchaseStates.Initialized)
            return PayCheck.NotModifiable;
        return PayCheck.Allowed;
    }

    /// <summary>Paying share number <c>PaidShareCount + 1</c> of <c>ShareCount</c> completes the purchase.</summary>
    public static bool IsLastPayment(PurchaseEntity p) => p.PaidShareCount + 1 == p.ShareCount;
}

public sealed record EffectiveState(string State, string? FailureReason, DateTimeOffset? CompletedAt);

public enum PayCheck { Allowed, AlreadyPaid, NotModifiable }
