namespace PledgFunctions.Email;

/// <summary>The <c>Pledg:Email</c> section (placeholder until the SMTP settings land).</summary>
public sealed class EmailOptions
{
    public bool Enabled { get; set; } = true;
    public string From { get; set; } = "Pledg <no-reply@pledg.local>";
    public List<TimeSpan>? Reminders { get; set; }
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<TimeSpan> EffectiveReminders => Reminders is { Count: > 0 } r ? r : [TimeSpan.FromDays(1), TimeSpan.FromHours(3)];
}
