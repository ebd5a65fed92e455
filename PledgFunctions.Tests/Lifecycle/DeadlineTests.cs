using System.Net;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Purchases;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Lifecycle;

/// <summary>A service with a 5-second payment window, its orchestrations running on the engine.</summary>
public sealed class ShortWindowFixture : ServiceFixture
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Pledg:PaymentWindow"] = "00:00:05";
    }
}

public sealed class DeadlineTests(ShortWindowFixture fixture) : IClassFixture<ShortWindowFixture>
{
    private TestService Service => fixture.Service;
    private PurchaseTable Table => Service.Services.GetRequiredService<PurchaseTable>();

    private Task<PurchaseWithShares> StoredFinalAsync(string id) => Eventually.ReturnsAsync(
        async () => (await Table.GetWithSharesAsync(id, CancellationToken.None))!,
        p => PurchaseStates.IsFinal(p.Purchase.State), TimeSpan.FromSeconds(20), $"{id} final in storage");

    [Fact]
    public async Task AnUnpledgedPurchaseExpiresByItsTimer()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var id = purchase.GetProperty("id").GetString()!;

        var stored = (await StoredFinalAsync(id)).Purchase;

        Assert.Equal(PurchaseStates.Failed, stored.State);
        Assert.Equal(FailureReasons.DeadlineExpired, stored.FailureReason);
        Assert.Equal(stored.Deadline, stored.CompletedAt);
        var read = await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal("FAILED", read.GetProperty("state").GetString());
        Assert.Equal("deadline_expired", read.GetProperty("failureReason").GetString());
        Assert.Equal(read.GetProperty("deadline").GetString(), read.GetProperty("completedAt").GetString());
    }

    [Fact]
    public async Task APledgedPurchaseWithAnUnpaidShareExpiresAndPaidSharesStayPaid()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        var stored = await StoredFinalAsync(purchase.GetProperty("id").GetString()!);

        Assert.Equal(PurchaseStates.Failed, stored.Purchase.State);
        Assert.Equal([PurchaseStates.Succeeded, PurchaseStates.Succeeded, PurchaseStates.Failed], stored.Shares.Select(s => s.State));
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 2))).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");
        var share = await (await Service.Client(null).GetAsync($"/api/shares/{ShareToken(pledge, 2)}")).AssertOkAsync();
        Assert.Equal("FAILED", share.GetProperty("state").GetString());
        Assert.Equal("FAILED", share.GetProperty("purchaseState").GetString());
    }

    [Fact]
    public async Task ASucceededPurchaseNeverFailsLater()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 1);
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
        var id = purchase.GetProperty("id").GetString()!;
        // The organizer's reimbursement follows the payment within seconds; after it, nothing is due.
        await Eventually.TrueAsync(async () => !PledgFunctions.Money.MoneyPlan.IsMoneyDue((await Table.GetPurchaseAsync(id, CancellationToken.None))!),
            TimeSpan.FromSeconds(20), "organizer reimbursed");
        var before = await RawPartitionAsync(Service, id);

        // Wait until the deadline has passed, and then some: nothing may touch the purchase.
        await Eventually.TrueAsync(async () => (await Table.GetPurchaseAsync(id, CancellationToken.None))!.Deadline < TimeProvider.System.GetUtcNow().AddSeconds(-2),
            TimeSpan.FromSeconds(20), "deadline passed");

        Assert.Equal(before, await RawPartitionAsync(Service, id));
        var read = await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", read.GetProperty("state").GetString());
        await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
    }


    [Fact]
    public async Task ACreateRetriedAfterItsFirstInstanceEndedGetsALifecycleAgain()
    {
        // The first attempt of a create started the instance and died before its insert; the
        // instance ended before the merchant retried with the same Idempotency-Key, which reuses
        // the purchase id. (Terminated here; "absent" after the creation grace in real life.)
        var now = TimeProvider.System.GetUtcNow();
        var id = PurchaseKeys.NewPurchaseId(now);
        var engine = Service.Services.GetRequiredService<DurableTaskClient>();
        await Service.Services.GetRequiredService<LifecycleSignals>().StartAsync(id, now.AddHours(1), CancellationToken.None);
        await engine.TerminateInstanceAsync(id);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await engine.WaitForInstanceCompletionAsync(id, wait.Token)).RuntimeStatus);

        var creator = Service.Services.GetRequiredService<PurchaseCreator>();
        var merchant = (await Service.Services.GetRequiredService<MerchantStore>().FindByApiKeyAsync(TestService.MerchantKey, CancellationToken.None))!;
        var request = new CreatePurchaseRequest("organizer@example.com", 3000, "EUR", null, null, null);
        await creator.CreateAsync(creator.NewEntity(id, merchant, request, Service.BaseAddress.ToString().TrimEnd('/'), TimeProvider.System.GetUtcNow()), CancellationToken.None);

        // Only the purchase's orchestration writes FAILED without anybody reading it.
        var stored = (await StoredFinalAsync(id)).Purchase;
        Assert.Equal(PurchaseStates.Failed, stored.State);
        Assert.Equal(FailureReasons.DeadlineExpired, stored.FailureReason);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await engine.GetInstanceAsync(id))!.RuntimeStatus);
    }
}
