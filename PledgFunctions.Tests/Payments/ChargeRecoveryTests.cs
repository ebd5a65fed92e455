using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Checkout;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Payments;

/// <summary>The process dies between two steps of a payment (simulated by a fault thrown at the
/// seam); a fresh service instance over the same storage settles what was left.</summary>
public sealed class ChargeRecoveryTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartNewAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private sealed class SimulatedCrash() : Exception("simulated process death");

    /// <summary>A service whose background recovery is off, so the test decides when it runs;
    /// recovery then treats every open authorization as old enough.</summary>
    private Task<TestService> StartAsync() => TestService.StartAsync(_azurite, s =>
    {
        s["Pledg:Lifecycle:InProcessWorkers"] = "false";
        s["Pledg:Payments:RecoveryGrace"] = "00:00:00";
    });

    [Fact]
    public async Task ACrashBetweenAuthorizeAndCommitIsVoidedAndTheShareStaysPayableOnce()
    {
        string id, token;
        await using (var first = await StartAsync())
        {
            var (purchase, pledge) = await PledgedPurchaseAsync(first, 1);
            (id, token) = (purchase.GetProperty("id").GetString()!, ShareToken(pledge, 1));
            first.Services.GetRequiredService<PaymentFaults>().AfterAuthorize = _ => throw new SimulatedCrash();
            var crashed = await PayAsync(first.Client(null), token);
            Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        }

        await using var second = await StartAsync();
        var orphan = (await LedgerAsync(second, id)).Single(c => c.ShareRowKey == ShareEntity.RowKeyFor(1));
        Assert.Equal(SandboxChargeEntity.Authorized, orphan.State);
        var share = await (await second.Client(null).GetAsync($"/api/shares/{token}")).AssertOkAsync();
        Assert.Equal("INITIALIZED", share.GetProperty("state").GetString());

        var report = await second.Services.GetRequiredService<ChargeRecovery>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(new RecoveryReport(Captured: 0, Voided: 1), report);
        await (await PayAsync(second.Client(null), token)).AssertOkAsync();
        await (await PayAsync(second.Client(null), token)).AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");
        var charges = (await LedgerAsync(second, id)).Where(c => c.ShareRowKey == ShareEntity.RowKeyFor(1)).ToList();
        Assert.Equal(1, charges.Count(c => c.State == SandboxChargeEntity.Captured));
        Assert.Equal(1, charges.Count(c => c.State == SandboxChargeEntity.Voided));
        Assert.Equal(new RecoveryReport(0, 0), await second.Services.GetRequiredService<ChargeRecovery>().RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ACrashBetweenCommitAndCaptureIsCapturedByRecovery()
    {
        string id, token;
        await using (var first = await StartAsync())
        {
            var (purchase, pledge) = await PledgedPurchaseAsync(first, 1);
            (id, token) = (purchase.GetProperty("id").GetString()!, ShareToken(pledge, 1));
            first.Services.GetRequiredService<PaymentFaults>().AfterCommit = _ => throw new SimulatedCrash();
            Assert.Equal(HttpStatusCode.InternalServerError, (await PayAsync(first.Client(null), token)).StatusCode);
        }

        await using var second = await StartAsync();
        var share = await (await second.Client(null).GetAsync($"/api/shares/{token}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", share.GetProperty("state").GetString());

        var report = await second.Services.GetRequiredService<ChargeRecovery>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(new RecoveryReport(Captured: 1, Voided: 0), report);
        await (await PayAsync(second.Client(null), token)).AssertProblemAsync(HttpStatusCode.Conflict, "share_already_paid");
        var charges = (await LedgerAsync(second, id)).Where(c => c.ShareRowKey == ShareEntity.RowKeyFor(1)).ToList();
        Assert.Equal(SandboxChargeEntity.Captured, Assert.Single(charges).State);
    }

    [Fact]
    public async Task ACommitThatArrivesAfterRecoveryVoidedItsAuthorizationIsRefusedAndChargesNothing()
    {
        await using var service = await StartAsync();
        var (purchase, pledge) = await PledgedPurchaseAsync(service, 1);
        var id = purchase.GetProperty("id").GetString()!;
        var recovery = service.Services.GetRequiredService<ChargeRecovery>();
        var faults = service.Services.GetRequiredService<PaymentFaults>();
        // The request stalls after authorizing, long enough for recovery to settle it first.
        faults.AfterAuthorize = _ => recovery.RunOnceAsync(CancellationToken.None).GetAwaiter().GetResult();

        var late = await PayAsync(service.Client(null), ShareToken(pledge, 1));

        await late.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "payment_interrupted");
        faults.AfterAuthorize = null;
        var charge = (await LedgerAsync(service, id)).Single(c => c.ShareRowKey == ShareEntity.RowKeyFor(1));
        Assert.Equal(SandboxChargeEntity.Voided, charge.State);
        await (await PayAsync(service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
    }
}
