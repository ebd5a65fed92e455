using System.Net;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Lifecycle;

/// <summary>What clients see at the deadline is decided by the clock, and what they see is what
/// storage says: the read that first finds a purchase overdue writes FAILED before answering.</summary>
public sealed class ReadsAtTheDeadlineTests(ShortWindowFixture fixture) : IClassFixture<ShortWindowFixture>
{
    private readonly TestService _service = fixture.Service;

    [Fact]
    public async Task EveryReadShowsFailedOnceTheDeadlinePassedAndStorageAlreadySaysSo()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        var deadline = pledge.GetProperty("deadline").GetDateTimeOffset();
        var page = _service.Client(null);
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() >= deadline), TimeSpan.FromSeconds(20), "deadline");

        var read = await (await _service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        var stored = (await _service.Services.GetRequiredService<PurchaseTable>().GetWithSharesAsync(id, CancellationToken.None))!;
        var status = await (await _service.Client().GetAsync($"/api/purchases/{id}/status")).AssertOkAsync();
        var checkout = await (await page.GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(purchase)}")).AssertOkAsync();
        var share = await (await page.GetAsync($"/api/shares/{ShareToken(pledge, 1)}")).AssertOkAsync();
        var pay = await PayAsync(page, ShareToken(pledge, 1));

        Assert.Equal("FAILED", read.GetProperty("state").GetString());
        Assert.Equal("deadline_expired", read.GetProperty("failureReason").GetString());
        Assert.Equal(PurchaseStates.Failed, stored.Purchase.State);
        Assert.Equal([PurchaseStates.Succeeded, PurchaseStates.Failed, PurchaseStates.Failed], stored.Shares.Select(s => s.State));
        Assert.Equal(deadline, stored.Purchase.CompletedAt);
        Assert.Equal("""{"state":"FAILED"}""", status.ToString());
        Assert.Equal("FAILED", checkout.GetProperty("state").GetString());
        Assert.Equal(["SUCCESSFULL", "FAILED", "FAILED"], checkout.GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        Assert.Equal("FAILED", share.GetProperty("state").GetString());
        await pay.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        Assert.Single(await LedgerAsync(_service, id));

        var list = await (await _service.Client().GetAsync($"/api/purchases?state=FAILED&organizerEmail={Uri.EscapeDataString(purchase.GetProperty("organizerEmail").GetString()!)}")).AssertOkAsync();
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task AListThatShowsAPurchaseFailedHasWrittenItFirst()
    {
        var purchase = await TestPurchases.CreateAsync(_service.Client());
        var id = purchase.GetProperty("id").GetString()!;
        // Its orchestration is stopped: only a read can write FAILED now.
        var engine = _service.Services.GetRequiredService<DurableTaskClient>();
        await engine.TerminateInstanceAsync(id);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await engine.WaitForInstanceCompletionAsync(id, wait.Token);
        var deadline = purchase.GetProperty("deadline").GetDateTimeOffset();
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() >= deadline), TimeSpan.FromSeconds(20), "deadline");
        var table = _service.Services.GetRequiredService<PurchaseTable>();
        Assert.Equal(PurchaseStates.Initialized, (await table.GetPurchaseAsync(id, CancellationToken.None))!.State);

        var list = await (await _service.Client().GetAsync($"/api/purchases?organizerEmail={Uri.EscapeDataString(purchase.GetProperty("organizerEmail").GetString()!)}")).AssertOkAsync();

        Assert.Equal("FAILED", list.GetProperty("items")[0].GetProperty("state").GetString());
        var stored = (await table.GetPurchaseAsync(id, CancellationToken.None))!;
        Assert.Equal(PurchaseStates.Failed, stored.State);
        Assert.Equal(deadline, stored.CompletedAt);
    }
}

/// <summary>With the default 48 h window: nothing is overdue, nothing may be written by a read.</summary>
public sealed class DeadlineEnforcerTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly TestService _service = fixture.Service;

    [Fact]
    public async Task TheEnforcerLeavesPurchasesBeforeTheirDeadlineAndFinalOnesAlone()
    {
        var enforcer = _service.Services.GetRequiredService<DeadlineEnforcer>();
        var open = (await TestPurchases.CreateAsync(_service.Client())).GetProperty("id").GetString()!;
        var cancelled = (await TestPurchases.CreateAsync(_service.Client())).GetProperty("id").GetString()!;
        await (await _service.Client().PostAsync($"/api/purchases/{cancelled}/cancel", null)).AssertOkAsync();
        var rawOpen = await RawPartitionAsync(_service, open);

        Assert.Equal(PurchaseStates.Initialized, (await enforcer.ReadAsync(open, CancellationToken.None))!.Purchase.State);
        Assert.Equal(rawOpen, await RawPartitionAsync(_service, open));
        Assert.Equal(FailureReasons.Cancelled, (await enforcer.ReadAsync(cancelled, CancellationToken.None))!.Purchase.FailureReason);
        Assert.Null(await enforcer.ReadAsync(PurchaseKeys.NewPurchaseId(TimeProvider.System.GetUtcNow()), CancellationToken.None));
    }
}
