using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Money;

/// <summary>A sweep every second.</summary>
public sealed class FrequentSweepFixture : ServiceFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Pledg:Recovery:SweepEvery"] = "00:00:01";
}

/// <summary>Money owed by a purchase whose orchestration was terminated (or failed) is still paid
/// (Lifecycle/StrandedMoneySweep.cs): nothing else would ever make those refunds.</summary>
public sealed class StrandedMoneyTests(FrequentSweepFixture fixture) : IClassFixture<FrequentSweepFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private TestService Service => fixture.Service;

    [Fact]
    public async Task AReimbursementOwedAfterTheInstanceWasTerminatedIsPaid()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 1);
        var id = purchase.GetProperty("id").GetString()!;
        await TerminateAsync(id);

        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        var atRest = await MoneyCheck.AtRestAsync(Service, id, Bound);
        Assert.Equal(PurchaseStates.Succeeded, atRest.Purchase.State);
        Assert.Equal(3, await MoneyCheck.AssertInvariantsAsync(Service, atRest));
        Assert.Contains(await MoneyCheck.PaymentsAsync(Service, id), r => r.GetProperty("reason").GetString() == "reimbursement");
    }

    [Fact]
    public async Task RefundsOwedByACancelAfterTheInstanceWasTerminatedArePaid()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
        await Eventually.ReturnsAsync(() => MoneyCheck.PaymentsAsync(Service, id), rows => rows.Count == 3, Bound, "reimbursement made");
        await TerminateAsync(id);

        await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertOkAsync();

        var atRest = await MoneyCheck.AtRestAsync(Service, id, Bound);
        Assert.Equal(PurchaseStates.Failed, atRest.Purchase.State);
        await MoneyCheck.AssertInvariantsAsync(Service, atRest);
        Assert.Equal(2, (await MoneyCheck.PaymentsAsync(Service, id)).Count(r => r.GetProperty("reason").GetString() == "purchase_failed"));
    }

    private async Task TerminateAsync(string id)
    {
        var engine = Service.Services.GetRequiredService<DurableTaskClient>();
        await engine.TerminateInstanceAsync(id);
        await Eventually.ReturnsAsync(() => engine.GetInstanceAsync(id), i => i?.RuntimeStatus == OrchestrationRuntimeStatus.Terminated,
            Bound, $"{id} terminated");
    }
}
