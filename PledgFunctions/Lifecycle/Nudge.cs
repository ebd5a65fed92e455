namespace PledgFunctions.Lifecycle;

/// <summary>What a request is about to change, raised to the purchase's orchestration BEFORE the
/// change is committed: the event is durable in the engine's queue, so even if the process dies
/// between the commit and anything after it, the orchestration looks at storage and follows what
/// landed (or settles what did not, e.g. voids an orphaned card authorization).</summary>
public sealed record Nudge(string Kind, string? AuthorizationKey = null)
{
    public const string EventName = "Nudge";
    public const string Charge = "charge";
    public const string Cancel = "cancel";

    public static Nudge ForCharge(string authorizationKey) => new(Charge, authorizationKey);

    public static Nudge ForCancel() => new(Cancel);
}

/// <summary>A nudge the orchestration has received and not yet seen settled in storage.</summary>
public sealed record PendingChange(Nudge Nudge, DateTimeOffset AnnouncedAt);
