using Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Payments;

/// <summary>Settles one card authorization a request announced (by its idempotency key) before
/// making it: captured if its commit landed, voided otherwise. The decision row is the lock:
/// inserting it as "voided" wins only if the commit never inserted it as "committed", so a late
/// commit and the settlement can never both take effect. Called by the purchase's orchestration,
/// so an authorization left open by a crash anywhere between authorize and capture is settled.</summary>
public sealed class ChargeSettlement(ICardGateway gateway, PurchaseTable purchases, TimeProvider time,
    IOptions<PledgOptions> options, ILogger<ChargeSettlement> logger)
{
    /// <summary>Null once settled (or never authorized), else when to look again: the request may
    /// still be between authorize and commit.</summary>
    public async Task<DateTimeOffset?> SettleAsync(string purchaseId, string authorizationKey, DateTimeOffset announcedAt, CancellationToken ct)
    {
        var grace = options.Value.Payments.RecoveryGrace;
        var now = time.GetUtcNow();
        var chargeId = await gateway.FindAuthorizationAsync(authorizationKey, ct);
        var decision = chargeId is null ? null : await purchases.GetChargeAsync(purchaseId, chargeId, ct);
        if (decision is null && now - announcedAt < grace) return RecheckSchedule.Next(announcedAt, now, grace);
        if (chargeId is null) return null; // declined, or the request died before authorizing

        var outcome = decision?.Outcome ?? await DecideVoidedAsync(purchaseId, chargeId, ct);
        if (outcome == ChargeEntity.Committed) await gateway.CaptureAsync(chargeId, ct);
        else await gateway.VoidAsync(chargeId, ct);
        if (decision is null) logger.LogWarning("Orphaned authorization {ChargeId} of {PurchaseId} settled: {Outcome}", chargeId, purchaseId, outcome);
        return null;
    }

    /// <summary>A charge whose commit landed: its capture (idempotent; usually made already, just
    /// after the request's answer, see <see cref="PromptCaptures"/>).</summary>
    public Task CaptureCommittedAsync(string chargeId, CancellationToken ct) => gateway.CaptureAsync(chargeId, ct);

    private async Task<string> DecideVoidedAsync(string purchaseId, string chargeId, CancellationToken ct)
    {
        try
        {
            await purchases.InsertAsync(new ChargeEntity
            {
                PartitionKey = purchaseId, RowKey = ChargeEntity.RowKeyFor(chargeId), Outcome = ChargeEntity.Voided, DecidedAt = time.GetUtcNow(),
            }, ct);
            return ChargeEntity.Voided;
        }
        catch (RequestFailedException e) when (StorageErrors.IsConflict(e))
        {
            return (await purchases.GetChargeAsync(purchaseId, chargeId, ct))?.Outcome ?? ChargeEntity.Voided;
        }
    }
}

public static class PaymentsServices
{
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddSingleton<SandboxCardGateway>();
        // The sandbox unless the host registered another gateway before (the tests' failing one).
        services.TryAddSingleton<ICardGateway>(sp => sp.GetRequiredService<SandboxCardGateway>());
        services.AddSingleton<PaymentFaults>();
        services.AddSingleton<PromptCaptures>();
        services.AddHostedService(sp => sp.GetRequiredService<PromptCaptures>());
        services.AddSingleton<ChargeFlow>();
        services.AddSingleton<ChargeSettlement>();
        services.AddSingleton<Money.PaymentsLedger>();
        return services;
    }
}
