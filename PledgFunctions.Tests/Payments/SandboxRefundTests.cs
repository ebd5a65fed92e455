using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Payments;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Payments;

/// <summary>The sandbox gateway's refunds, against its ledger in a real Azurite.</summary>
public sealed class SandboxRefundTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private SandboxCardGateway Gateway => fixture.Service.Services.GetRequiredService<SandboxCardGateway>();

    private async Task<(string ChargeId, string PurchaseId)> CapturedChargeAsync(long amount, bool capture = true)
    {
        var purchaseId = "pur_" + Guid.NewGuid().ToString("N");
        var card = new ValidCard("4242424242424242", 12, 2030, "visa");
        var approved = (AuthorizationResult.Approved)await Gateway.AuthorizeAsync(
            new AuthorizationRequest(amount, "EUR", card, purchaseId, "share-00"), "authorize-" + Guid.NewGuid().ToString("N"), default);
        if (capture) await Gateway.CaptureAsync(approved.ChargeId, default);
        return (approved.ChargeId, purchaseId);
    }

    private async Task<long> RefundedAsync(string purchaseId) => (await Gateway.RefundsOfAsync(purchaseId, default)).Sum(r => r.Amount);

    [Fact]
    public async Task PartialRefundsAddUpUpToTheCaptureAndNoFurther()
    {
        var (charge, purchase) = await CapturedChargeAsync(5000);

        await Gateway.RefundAsync(charge, 3000, "refund-a", default);
        await Gateway.RefundAsync(charge, 2000, "refund-b", default);

        await Assert.ThrowsAsync<RefundRefusedException>(() => Gateway.RefundAsync(charge, 1, "refund-c", default));
        Assert.Equal(5000, await RefundedAsync(purchase));
        Assert.Equal(5000, (await Gateway.LedgerOfAsync(purchase, default)).Single().RefundedAmount);
    }

    [Fact]
    public async Task ARetriedKeyReturnsTheFirstRefundAndPaysNothingMore()
    {
        var (charge, purchase) = await CapturedChargeAsync(5000);

        var first = await Gateway.RefundAsync(charge, 1500, "refund-retried", default);
        var again = await Gateway.RefundAsync(charge, 1500, "refund-retried", default);

        Assert.Equal(first, again);
        Assert.Equal(1500, await RefundedAsync(purchase));
        await Assert.ThrowsAsync<RefundRefusedException>(() => Gateway.RefundAsync(charge, 1000, "refund-retried", default));
    }

    [Fact]
    public async Task AChargeThatIsOnlyAuthorizedIsRefundedOnceCaptured()
    {
        var (charge, purchase) = await CapturedChargeAsync(5000, capture: false);

        await Assert.ThrowsAsync<ChargeNotCapturedException>(() => Gateway.RefundAsync(charge, 100, "refund-early", default));
        Assert.Equal(0, await RefundedAsync(purchase));
        await Gateway.CaptureAsync(charge, default);
        await Gateway.RefundAsync(charge, 100, "refund-early", default);
        Assert.Equal(100, await RefundedAsync(purchase));
    }

    [Fact]
    public async Task AVoidedChargeCannotBeRefunded()
    {
        var (charge, purchase) = await CapturedChargeAsync(5000, capture: false);
        await Gateway.VoidAsync(charge, default);

        await Assert.ThrowsAsync<RefundRefusedException>(() => Gateway.RefundAsync(charge, 100, "refund-voided", default));
        Assert.Equal(0, await RefundedAsync(purchase));
    }

    [Fact]
    public async Task ConcurrentRefundsNeverExceedTheCapture()
    {
        var (charge, purchase) = await CapturedChargeAsync(1000);

        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try { await Gateway.RefundAsync(charge, 300, $"refund-race-{i}", default); return 1; }
            catch (RefundRefusedException) { return 0; }
        });
        var succeeded = (await Task.WhenAll(attempts)).Sum();

        Assert.Equal(3, succeeded);
        Assert.Equal(900, await RefundedAsync(purchase));
    }
}
