using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Purchases;
using PledgFunctions.Storage;
using PledgFunctions.Validation;
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
        // A purchase with no orchestration (as if its engine never came back): only a read can
        // write FAILED now. (Terminating a created purchase's instance is not enough: its first
        // observation, already queued, may still run past the 5 s deadline on a busy machine and
        // fail it, as it once did in CI.)
        var now = TimeProvider.System.GetUtcNow();
        var id = PurchaseKeys.NewPurchaseId(now);
        var creator = _service.Services.GetRequiredService<PurchaseCreator>();
        var merchant = (await _service.Services.GetRequiredService<MerchantStore>().FindByApiKeyAsync(TestService.MerchantKey, CancellationToken.None))!;
        var email = $"list-{Guid.NewGuid():N}@example.com";
        var entity = creator.NewEntity(id, merchant, new CreatePurchaseRequest(email, 3000, "EUR", null, null, null),
            _service.BaseAddress.ToString().TrimEnd('/'), now);
        var table = _service.Services.GetRequiredService<PurchaseTable>();
        await _service.Services.GetRequiredService<MerchantIndexTable>().AddAsync(merchant.Id, id, Emails.Normalize(email), now, CancellationToken.None);
        await table.InsertAsync(entity, CancellationToken.None);
        var deadline = entity.Deadline;
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() >= deadline), TimeSpan.FromSeconds(20), "deadline");
        Assert.Equal(PurchaseStates.Initialized, (await table.GetPurchaseAsync(id, CancellationToken.None))!.State);

        var list = await (await _service.Client().GetAsync($"/api/purchases?organizerEmail={Uri.EscapeDataString(email)}")).AssertOkAsync();

        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
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
