using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Money;

/// <summary>The card network refuses refunds for a while: the observation's first try fails, and
/// the purchase's orchestration keeps the money due and retries (its SettleMoney activity) while
/// the purchase is open and after it has FAILED, until the refunds go through, each once.</summary>
public sealed class RefundRetryTests : IAsyncLifetime
{
    /// <summary>The sandbox gateway with its refunds switched off: the outside service down, not storage.</summary>
    private sealed class RefundsDown(SandboxCardGateway sandbox) : ICardGateway
    {
        private int _refused;
        public volatile bool Down = true;
        public int Refused => Volatile.Read(ref _refused);

        public Task<string> RefundAsync(string chargeId, long amount, string idempotencyKey, CancellationToken ct)
        {
            if (!Down) return sandbox.RefundAsync(chargeId, amount, idempotencyKey, ct);
            Interlocked.Increment(ref _refused);
            throw new HttpRequestException("card network unavailable");
        }

        public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken ct) => sandbox.AuthorizeAsync(request, idempotencyKey, ct);
        public Task CaptureAsync(string chargeId, CancellationToken ct) => sandbox.CaptureAsync(chargeId, ct);
        public Task VoidAsync(string chargeId, CancellationToken ct) => sandbox.VoidAsync(chargeId, ct);
        public Task<string?> FindAuthorizationAsync(string idempotencyKey, CancellationToken ct) => sandbox.FindAuthorizationAsync(idempotencyKey, ct);
    }

    private Azurite _azurite = null!;
    private TestService _service = null!;
    private RefundsDown Gateway => (RefundsDown)_service.Services.GetRequiredService<ICardGateway>();

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartNewAsync();
        _service = await TestService.StartAsync(_azurite, settings => settings["Pledg:PaymentWindow"] = "00:00:10",
            services => services.AddSingleton<ICardGateway>(sp => new RefundsDown(sp.GetRequiredService<SandboxCardGateway>())));
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task RefundsRefusedByTheNetworkAreMadeOnceItIsBack()
    {
        var table = _service.Services.GetRequiredService<PurchaseTable>();
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        await (await PayAsync(_service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        // Open: the organizer's reimbursement is tried by the observation and by the activity's retries, and stays due.
        await Eventually.TrueAsync(() => Task.FromResult(Gateway.Refused >= 3), TimeSpan.FromSeconds(30), "reimbursement tried again");
        Assert.True(MoneyPlan.IsMoneyDue((await table.GetPurchaseAsync(id, default))!));
        // The deadline passes with the network still down: FAILED, every refund it implies still due.
        var failed = await Eventually.ReturnsAsync(async () => (await table.GetPurchaseAsync(id, default))!,
            p => PurchaseStates.IsFinal(p.State), TimeSpan.FromSeconds(30), "failed at the deadline");
        Assert.Equal(PurchaseStates.Failed, failed.State);
        var refusedWhenFailed = Gateway.Refused;
        await Eventually.TrueAsync(() => Task.FromResult(Gateway.Refused > refusedWhenFailed), TimeSpan.FromSeconds(30), "refunds tried once failed");
        Assert.DoesNotContain(await MoneyCheck.PaymentsAsync(_service, id), r => r.GetProperty("type").GetString() == "refund");

        Gateway.Down = false;
        var atRest = await MoneyCheck.AtRestAsync(_service, id, TimeSpan.FromSeconds(90));

        // Reimbursement of the paid share, then the pledge's charge and the paid share back: each once,
        // the gateway's refunds equal to the ledger's (AssertInvariantsAsync).
        Assert.Equal(5, await MoneyCheck.AssertInvariantsAsync(_service, atRest));
        var refunds = (await MoneyCheck.PaymentsAsync(_service, id)).Where(r => r.GetProperty("type").GetString() == "refund")
            .Select(r => (r.GetProperty("reason").GetString(), r.GetProperty("amount").GetInt64())).Order().ToList();
        Assert.Equal([("purchase_failed", 4000L), ("purchase_failed", 8000L), ("reimbursement", 4000L)], refunds);
    }
}
