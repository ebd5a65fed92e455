using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Lifecycle;

/// <summary>No timer worker and no sweep run here: what clients see after the deadline is
/// decided by the clock alone.</summary>
public sealed class WorkersOffFixture : ServiceFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Pledg:PaymentWindow"] = "00:00:05";
        settings["Pledg:Lifecycle:InProcessWorkers"] = "false";
    }
}

public sealed class ReadsBeforeTheTimerTests(WorkersOffFixture fixture) : IClassFixture<WorkersOffFixture>
{
    private readonly TestService _service = fixture.Service;

    [Fact]
    public async Task EveryReadShowsFailedAndPayIsRefusedOnceTheDeadlinePassed()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        var deadline = pledge.GetProperty("deadline").GetDateTimeOffset();
        var page = _service.Client(null);
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() >= deadline), TimeSpan.FromSeconds(20), "deadline");
        var rawBefore = await RawPartitionAsync(_service, id);

        var read = await (await _service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        var status = await (await _service.Client().GetAsync($"/api/purchases/{id}/status")).AssertOkAsync();
        var checkout = await (await page.GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(purchase)}")).AssertOkAsync();
        var share = await (await page.GetAsync($"/api/shares/{ShareToken(pledge, 1)}")).AssertOkAsync();
        var pay = await PayAsync(page, ShareToken(pledge, 1));

        Assert.Equal("FAILED", read.GetProperty("state").GetString());
        Assert.Equal("deadline_expired", read.GetProperty("failureReason").GetString());
        Assert.Equal("""{"state":"FAILED"}""", status.ToString());
        Assert.Equal("FAILED", checkout.GetProperty("state").GetString());
        Assert.Equal(["SUCCESSFULL", "FAILED", "FAILED"], checkout.GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        Assert.Equal("FAILED", share.GetProperty("state").GetString());
        await pay.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        // Nothing was written and nothing charged: the stored purchase still awaits its timer.
        Assert.Equal(rawBefore, await RawPartitionAsync(_service, id));
        Assert.Single(await LedgerAsync(_service, id));

        var list = await (await _service.Client().GetAsync($"/api/purchases?state=FAILED&organizerEmail={Uri.EscapeDataString(purchase.GetProperty("organizerEmail").GetString()!)}")).AssertOkAsync();
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task TheSweepFailsOverduePurchasesWhoseTimersNeverRan()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await TestPurchases.CreateAsync(_service.Client())).GetProperty("id").GetString()!);
        var table = _service.Services.GetRequiredService<PurchaseTable>();
        var last = (await table.GetPurchaseAsync(ids[^1], CancellationToken.None))!.Deadline;
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() >= last), TimeSpan.FromSeconds(20), "deadline");

        var report = await _service.Services.GetRequiredService<PledgFunctions.Deadlines.DeadlineSweep>().RunOnceAsync(CancellationToken.None);

        Assert.True(report.Failed >= 5, $"sweep failed {report.Failed}"); // and any overdue purchase of the other tests
        foreach (var id in ids)
            Assert.Equal(PurchaseStates.Failed, (await table.GetPurchaseAsync(id, CancellationToken.None))!.State);
        Assert.Equal(0, (await _service.Services.GetRequiredService<PledgFunctions.Deadlines.DeadlineSweep>().RunOnceAsync(CancellationToken.None)).Failed);
    }

    [Fact]
    public async Task ATimerDecidesFromStorageDroppingRearmingOrFailing()
    {
        var processor = _service.Services.GetRequiredService<PledgFunctions.Deadlines.DeadlineProcessor>();
        var table = _service.Services.GetRequiredService<PurchaseTable>();
        var open = (await TestPurchases.CreateAsync(_service.Client())).GetProperty("id").GetString()!;
        var (pledged, _) = await PledgedPurchaseAsync(_service, 1);
        var pledgedId = pledged.GetProperty("id").GetString()!;
        var cancelled = (await TestPurchases.CreateAsync(_service.Client())).GetProperty("id").GetString()!;
        await (await _service.Client().PostAsync($"/api/purchases/{cancelled}/cancel", null)).AssertOkAsync();
        var now = TimeProvider.System.GetUtcNow();
        var ct = CancellationToken.None;

        // Early (e.g. one 7-day hop of a longer window): re-armed for the stored deadline.
        Assert.Equal(PledgFunctions.Deadlines.DeadlineOutcome.Rearmed, await processor.OnTimerAsync(new TimerMessage(open, now), ct));
        // The creation timer of a purchase pledged since: the pledge armed its own.
        Assert.Equal(PledgFunctions.Deadlines.DeadlineOutcome.Dropped,
            await processor.OnTimerAsync(new TimerMessage(pledgedId, pledged.GetProperty("deadline").GetDateTimeOffset()), ct));
        // A final purchase, an unknown one.
        Assert.Equal(PledgFunctions.Deadlines.DeadlineOutcome.Dropped, await processor.OnTimerAsync(new TimerMessage(cancelled, now), ct));
        Assert.Equal(PledgFunctions.Deadlines.DeadlineOutcome.Dropped,
            await processor.OnTimerAsync(new TimerMessage(PurchaseKeys.NewPurchaseId(now), now), ct));

        var deadline = (await table.GetPurchaseAsync(open, ct))!.Deadline;
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() >= deadline), TimeSpan.FromSeconds(20), "deadline");
        Assert.Equal(PledgFunctions.Deadlines.DeadlineOutcome.Failed, await processor.OnTimerAsync(new TimerMessage(open, deadline), ct));
        // Delivered twice (another instance, a hop): the second finds it final.
        Assert.Equal(PledgFunctions.Deadlines.DeadlineOutcome.Dropped, await processor.OnTimerAsync(new TimerMessage(open, deadline), ct));
        Assert.Equal(FailureReasons.Cancelled, (await table.GetPurchaseAsync(cancelled, ct))!.FailureReason);
    }
}
