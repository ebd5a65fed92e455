namespace PledgFunctions.Lifecycle;

/// <summary>When the orchestration looks again at a change it was nudged about but that had not
/// landed yet. The nudge is raised just before the request commits, so the commit is usually
/// milliseconds away: look again soon, then less and less often until the change's grace ends
/// (past it, a change that has not landed never will).</summary>
public static class RecheckSchedule
{
    private static readonly TimeSpan[] Steps = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    public static DateTimeOffset Next(DateTimeOffset announcedAt, DateTimeOffset now, TimeSpan grace)
    {
        foreach (var step in Steps)
            if (announcedAt + step > now && step < grace) return announcedAt + step;
        return announcedAt + grace;
    }
}
