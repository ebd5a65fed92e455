using CsCheck;
using PledgFunctions.Money;
using PledgFunctions.Storage;

namespace PledgFunctions.Tests.Money;

/// <summary>The money rules as pure functions: what each state calls for, and that it always adds up.</summary>
public sealed class MoneyPlanTests
{
    private static (PurchaseEntity, List<ShareEntity>) Pledged(long[] shares, bool[] paid, string state, string? refundStatus = null)
    {
        var p = new PurchaseEntity
        {
            PartitionKey = "pur_" + new string('a', 32), Amount = shares.Sum(), State = state, PledgedAt = DateTimeOffset.UnixEpoch, RefundStatus = refundStatus,
        };
        var rows = shares.Select((amount, i) => new ShareEntity
        {
            PartitionKey = p.PartitionKey, RowKey = ShareEntity.RowKeyFor(i), Index = i, Email = $"m{i}@example.com", Amount = amount,
            State = i == 0 || paid[i - 1] ? PurchaseStates.Succeeded : state == PurchaseStates.Failed ? PurchaseStates.Failed : PurchaseStates.Initialized,
            ChargeId = i == 0 || paid[i - 1] ? $"ch_{i}" : null,
        }).ToList();
        p.ChargedAmount = p.Amount + rows.Skip(1).Where(s => s.ChargeId is not null).Sum(s => s.Amount);
        return (p, rows);
    }

    /// <summary>What each member holds once every due refund is made.</summary>
    private static Dictionary<string, long> Holdings(PurchaseEntity p, List<ShareEntity> shares)
    {
        var held = shares.ToDictionary(s => s.RowKey, s => s.ChargeId is null ? 0 : s.Index == 0 ? p.Amount : s.Amount);
        foreach (var r in MoneyPlan.Refunds(p, shares)) held[r.ShareRowKey] -= r.Amount;
        return held;
    }

    private static readonly Gen<(long[] Shares, bool[] Paid)> Scenario =
        Gen.Int[1, 5].SelectMany(n => Gen.Select(Gen.Long[0, 50], Gen.Long[1, 50].Array[n], Gen.Bool.Array[n],
            (organizer, pledgers, paid) => ((long[])[organizer, .. pledgers], paid)));

    [Fact]
    public void InitializedReimbursesTheOrganizerOncePerPaidShare()
    {
        var (p, shares) = Pledged([4000, 4000, 4000], [true, false], PurchaseStates.Initialized);

        var refund = Assert.Single(MoneyPlan.Refunds(p, shares));

        Assert.Equal((PaymentReasons.Reimbursement, "share-00", "share-01", 4000L), (refund.Reason, refund.ShareRowKey, refund.CauseRowKey, refund.Amount));
        Assert.Equal("ch_0", refund.ChargeId);
    }

    [Fact]
    public void EveryFailedPurchaseEndsWithEveryMemberAtZero() =>
        Scenario.Sample(s =>
        {
            var (p, shares) = Pledged(s.Shares, s.Paid, PurchaseStates.Failed);
            Assert.All(Holdings(p, shares).Values, held => Assert.Equal(0, held));
            Assert.Equal(p.ChargedAmount, MoneyPlan.RefundsOwed(p));
            Assert.Equal(MoneyPlan.RefundsOwed(p), MoneyPlan.Refunds(p, shares).Sum(r => r.Amount));
        });

    [Fact]
    public void ASuccessfulPurchaseHoldsEachShareAndARefundedOneNothing() =>
        Scenario.Sample(s =>
        {
            var everyonePaid = s.Paid.Select(_ => true).ToArray();
            var (p, shares) = Pledged(s.Shares, everyonePaid, PurchaseStates.Succeeded);
            Assert.All(shares, share => Assert.Equal(share.Amount, Holdings(p, shares)[share.RowKey]));
            Assert.Equal(p.Amount, p.ChargedAmount - MoneyPlan.RefundsOwed(p));

            p.RefundStatus = RefundStatuses.Pending;
            Assert.All(Holdings(p, shares).Values, held => Assert.Equal(0, held));
            Assert.Equal(MoneyPlan.RefundsOwed(p), MoneyPlan.Refunds(p, shares).Sum(r => r.Amount));
        });

    [Fact]
    public void MovementIdsAreStableAndNeverRepeatWithinAPurchase() =>
        Scenario.Sample(s =>
        {
            var (p, shares) = Pledged(s.Shares, s.Paid, PurchaseStates.Failed);
            var ids = MoneyPlan.Refunds(p, shares).Select(r => r.PaymentId).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Equal(ids, MoneyPlan.Refunds(p, shares).Select(r => r.PaymentId));
        });

    [Fact]
    public void MoneyIsDueUntilTheRefundsAddUp()
    {
        var (p, shares) = Pledged([4000, 4000, 4000], [true, true], PurchaseStates.Failed);
        Assert.True(MoneyPlan.IsMoneyDue(p));

        p.RefundedAmount = MoneyPlan.Refunds(p, shares).Sum(r => r.Amount);

        Assert.False(MoneyPlan.IsMoneyDue(p));
        Assert.Equal(0, MoneyPlan.Collected(p));
    }
}
