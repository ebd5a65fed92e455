using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Money;

/// <summary>The card network refuses refunds for good (the card was closed): each refused refund is
/// tried once, shown to the merchant as a failed payment with the network's reason, counted, and
/// never tried again, while the purchase goes on to its deadline like any other.</summary>
public sealed class RefundRefusedTests : IAsyncLifetime
{
    private const string Refusal = "card_closed: the card was closed; this charge cannot be refunded";

    /// <summary>The sandbox gateway whose every refund is refused definitively.</summary>
    private sealed class CardsClosed(SandboxCardGateway sandbox) : ICardGateway
    {
        private int _refused;
        public int Refused => Volatile.Read(ref _refused);

        public Task<string> RefundAsync(string chargeId, long amount, string idempotencyKey, CancellationToken ct)
        {
            Interlocked.Increment(ref _refused);
            throw new RefundRefusedException(Refusal);
        }

        public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken ct) => sandbox.AuthorizeAsync(request, idempotencyKey, ct);
        public Task CaptureAsync(string chargeId, CancellationToken ct) => sandbox.CaptureAsync(chargeId, ct);
        public Task VoidAsync(string chargeId, CancellationToken ct) => sandbox.VoidAsync(chargeId, ct);
        public Task<string?> FindAuthorizationAsync(string idempotencyKey, CancellationToken ct) => sandbox.FindAuthorizationAsync(idempotencyKey, ct);
    }

    private readonly ConcurrentQueue<string> _refusalsCounted = new();
    private readonly MeterListener _meters = new();
    private Azurite _azurite = null!;
    private TestService _service = null!;
    private CardsClosed Gateway => (CardsClosed)_service.Services.GetRequiredService<ICardGateway>();

    public async Task InitializeAsync()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PledgMetrics.MeterName && instrument.Name == "pledg.payments.failed") listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "reason") _refusalsCounted.Enqueue(tag.Value?.ToString() ?? "");
        });
        _meters.Start();
        _azurite = await Azurite.StartNewAsync();
        _service = await TestService.StartAsync(_azurite, settings => settings["Pledg:PaymentWindow"] = "00:00:10",
            services => services.AddSingleton<ICardGateway>(sp => new CardsClosed(sp.GetRequiredService<SandboxCardGateway>())));
    }

    public async Task DisposeAsync()
    {
        _meters.Dispose();
        await _service.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task ARefundTheNetworkRefusesForGoodIsShownFailedAndNotRetried()
    {
        var table = _service.Services.GetRequiredService<PurchaseTable>();
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        await (await PayAsync(_service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        // The organizer's reimbursement: refused once, then shown failed with the network's reason.
        var reimbursement = await Eventually.ReturnsAsync(async () => (await MoneyCheck.PaymentsAsync(_service, id))
                .FirstOrDefault(r => r.GetProperty("type").GetString() == "refund"),
            r => r.ValueKind != System.Text.Json.JsonValueKind.Undefined, TimeSpan.FromSeconds(30), "the refused reimbursement listed");
        Assert.Equal("failed", reimbursement.GetProperty("status").GetString());
        Assert.Equal(Refusal, reimbursement.GetProperty("failureReason").GetString());
        Assert.Equal("reimbursement", reimbursement.GetProperty("reason").GetString());
        Assert.Equal(1, Gateway.Refused);

        // FAILED at the deadline: its two refunds are refused once each, and nothing is tried again.
        await Eventually.TrueAsync(async () => (await MoneyCheck.PaymentsAsync(_service, id)).Count(r => r.GetProperty("status").GetString() == "failed") == 3,
            TimeSpan.FromSeconds(60), "the refunds of FAILED refused and listed");
        var failed = (await table.GetPurchaseAsync(id, default))!;
        Assert.Equal(PurchaseStates.Failed, failed.State);
        Assert.Equal(0, failed.RefundedAmount);
        Assert.Equal(12000 + 4000, failed.ChargedAmount);
        await Task.Delay(TimeSpan.FromSeconds(8)); // longer than the retry policies' first steps (1 s, 2 s, 4 s)
        Assert.Equal(3, Gateway.Refused);
        Assert.Equal(["refund_refused", "refund_refused", "refund_refused"], _refusalsCounted.ToArray());
        var listed = await MoneyCheck.PaymentsAsync(_service, id);
        Assert.All(listed.Where(r => r.GetProperty("type").GetString() == "charge"), r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        // The purchase shows no money moved back: what the card network refused is still collected.
        var view = await (await _service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal(16000, view.GetProperty("collectedAmount").GetInt64());
    }
}
