using Microsoft.Extensions.Time.Testing;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Tests.Lifecycle;

public sealed class PurchaseRulesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.Zero));

    private PurchaseEntity Purchase(string state = PurchaseStates.Initialized) => new()
    {
        PartitionKey = "pur_x", State = state, CreatedAt = _time.GetUtcNow(), Deadline = _time.GetUtcNow().AddHours(48),
    };

    [Fact]
    public void APurchaseIsFailedFromTheInstantOfItsDeadlineWhateverTheTimerDid()
    {
        var p = Purchase();
        _time.Advance(TimeSpan.FromHours(48) - TimeSpan.FromTicks(1));
        Assert.Equal(PurchaseStates.Initialized, PurchaseRules.Effective(p, _time.GetUtcNow()).State);
        _time.Advance(TimeSpan.FromTicks(1));
        var effective = PurchaseRules.Effective(p, _time.GetUtcNow());
        Assert.Equal(new EffectiveState(PurchaseStates.Failed, FailureReasons.DeadlineExpired, p.Deadline), effective);
    }

    [Fact]
    public void FinalStatesNeverChangeWithTime()
    {
        var p = Purchase(PurchaseStates.Succeeded);
        p.CompletedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(PurchaseStates.Succeeded, PurchaseRules.Effective(p, _time.GetUtcNow()).State);
        Assert.NotNull(PurchaseRules.WhyNotBeforePledge(p, _time.GetUtcNow(), "cancelled"));
    }

    [Fact]
    public void PayIsRefusedAtTheDeadlineAndAPaidShareIsReportedFirst()
    {
        var p = Purchase();
        var unpaid = new ShareEntity { State = PurchaseStates.Initialized };
        var paid = new ShareEntity { State = PurchaseStates.Succeeded };
        Assert.Equal(PayCheck.Allowed, PurchaseRules.CheckPay(p, unpaid, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromHours(48));
        Assert.Equal(PayCheck.NotModifiable, PurchaseRules.CheckPay(p, unpaid, _time.GetUtcNow()));
        Assert.Equal(PayCheck.AlreadyPaid, PurchaseRules.CheckPay(p, paid, _time.GetUtcNow()));
        Assert.Equal(PurchaseStates.Failed, PurchaseRules.EffectiveShareState(p, unpaid, _time.GetUtcNow()));
        Assert.Equal(PurchaseStates.Succeeded, PurchaseRules.EffectiveShareState(p, paid, _time.GetUtcNow()));
    }

    [Fact]
    public void CancelAndPledgeBelongToTheStepBeforeTheOrganizerPays()
    {
        var p = Purchase();
        Assert.Null(PurchaseRules.WhyNotBeforePledge(p, _time.GetUtcNow(), "cancelled"));
        p.PledgedAt = _time.GetUtcNow();
        Assert.Contains("already paid", PurchaseRules.WhyNotBeforePledge(p, _time.GetUtcNow(), "cancelled"));
    }
}

public sealed class TimerVisibilityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 18, 0, 0, TimeSpan.Zero);

}
