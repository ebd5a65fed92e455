using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Payments;

/// <summary>A short settlement grace, so the orchestration settles an announced authorization
/// whose request died within seconds.</summary>
public sealed class ShortGraceFixture : ServiceFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Pledg:Payments:RecoveryGrace"] = "00:00:02";
}

/// <summary>The request dies between two steps of a payment (a fault thrown at the seam, after the
/// authorization was announced to the purchase's orchestration); the orchestration settles what
/// was left from the decision row.</summary>
public sealed class ChargeSettlementTests(ShortGraceFixture fixture) : IClassFixture<ShortGraceFixture>
{
    private readonly TestService _service = fixture.Service;

    private sealed class SimulatedCrash() : Exception("simulated process death");

    private Task<List<SandboxChargeEntity>> ShareChargesAsync(string id, int share) =>
        LedgerAsync(_service, id).ContinueWith(t => t.Result.Where(c => c.ShareRowKey == ShareEntity.RowKeyFor(share)).ToList());

    [Fact]
    public async Task ACrashBetweenAuthorizeAndCommitIsVoidedAndTheShareStaysPayableOnce()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 2);
        var (id, token) = (purchase.GetProperty("id").GetString()!, ShareToken(pledge, 1));
        string? crashedCharge = null;
        _service.Services.GetRequiredService<PaymentFaults>().AfterAuthorize = chargeId =>
        {
            if (Interlocked.CompareExchange(ref crashedCharge, chargeId, null) is null) throw new SimulatedCrash();
        };

        Assert.Equal(HttpStatusCode.InternalServerError, (await PayAsync(_service.Client(null), token)).StatusCode);
        var share = await (await _service.Client(null).GetAsync($"/api/shares/{token}")).AssertOkAsync();
        Assert.Equal("INITIALIZED", share.GetProperty("state").GetString());

        await Eventually.TrueAsync(async () => (await ShareChargesAsync(id, 1)).Single().State == SandboxChargeEntity.Voided,
            TimeSpan.FromSeconds(60), "orphaned authorization voided by the orchestration");
        await (await PayAsync(_service.Client(null), token)).AssertOkAsync();
        await (await PayAsync(_service.Client(null), token)).AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");
        var charges = await ShareChargesAsync(id, 1);
        Assert.Equal(1, charges.Count(c => c.State == SandboxChargeEntity.Captured));
        Assert.Equal(1, charges.Count(c => c.State == SandboxChargeEntity.Voided));
        Assert.Equal(ChargeEntity.Voided, (await _service.Services.GetRequiredService<PurchaseTable>().GetChargeAsync(id, crashedCharge!, default))!.Outcome);
    }

    [Fact]
    public async Task ACrashBetweenCommitAndCaptureIsCapturedByTheOrchestration()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 2);
        var (id, token) = (purchase.GetProperty("id").GetString()!, ShareToken(pledge, 1));
        var crashed = 0;
        _service.Services.GetRequiredService<PaymentFaults>().AfterCommit = _ =>
        {
            if (Interlocked.Exchange(ref crashed, 1) == 0) throw new SimulatedCrash();
        };

        Assert.Equal(HttpStatusCode.InternalServerError, (await PayAsync(_service.Client(null), token)).StatusCode);
        var share = await (await _service.Client(null).GetAsync($"/api/shares/{token}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", share.GetProperty("state").GetString());

        await Eventually.TrueAsync(async () => (await ShareChargesAsync(id, 1)).Single().State == SandboxChargeEntity.Captured,
            TimeSpan.FromSeconds(60), "committed authorization captured by the orchestration");
        await (await PayAsync(_service.Client(null), token)).AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");
    }

    [Fact]
    public async Task ACommitThatArrivesAfterTheSettlementVoidedItsAuthorizationIsRefusedAndChargesNothing()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        var purchases = _service.Services.GetRequiredService<PurchaseTable>();
        var stalled = 0;
        // The request stalls after authorizing, long enough for the orchestration to settle it first.
        _service.Services.GetRequiredService<PaymentFaults>().AfterAuthorize = chargeId =>
        {
            if (Interlocked.Exchange(ref stalled, 1) == 1) return;
            Eventually.TrueAsync(async () => await purchases.GetChargeAsync(id, chargeId, default) is { Outcome: ChargeEntity.Voided },
                TimeSpan.FromSeconds(50), "settled while stalled").GetAwaiter().GetResult();
        };

        var late = await PayAsync(_service.Client(null), ShareToken(pledge, 2));

        await late.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "payment_interrupted");
        Assert.Equal(SandboxChargeEntity.Voided, (await ShareChargesAsync(id, 2)).Single().State);
        await (await PayAsync(_service.Client(null), ShareToken(pledge, 2))).AssertOkAsync();
    }
}
