using Azure;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;
using PledgFunctions.Storage;

namespace PledgFunctions.Payments;

/// <summary>Settles authorizations left open by a crash (between authorize and commit, or
/// between commit and capture). The decision row is the lock: inserting it as "voided" wins only
/// if the commit never inserted it as "committed", so a late commit and recovery can never both
/// take effect.</summary>
public sealed class ChargeRecovery(ICardGateway gateway, PurchaseTable purchases, TimeProvider time,
    IOptions<PledgOptions> options, ILogger<ChargeRecovery> logger)
{
    public async Task<RecoveryReport> RunOnceAsync(CancellationToken ct)
    {
        int captured = 0, voided = 0;
        var before = time.GetUtcNow() - options.Value.Payments.RecoveryGrace;
        await foreach (var open in gateway.ListOpenAuthorizationsAsync(before, ct))
        {
            if (await DecideAsync(open, ct) == ChargeEntity.Committed)
            {
                await gateway.CaptureAsync(open.ChargeId, ct);
                captured++;
            }
            else
            {
                await gateway.VoidAsync(open.ChargeId, ct);
                voided++;
            }
        }
        if (captured + voided > 0)
            logger.LogWarning("Charge recovery settled orphaned authorizations: {Captured} captured, {Voided} voided", captured, voided);
        return new RecoveryReport(captured, voided);
    }

    private async Task<string> DecideAsync(OpenAuthorization open, CancellationToken ct)
    {
        try
        {
            await purchases.InsertAsync(new ChargeEntity
            {
                PartitionKey = open.PurchaseId, RowKey = ChargeEntity.RowKeyFor(open.ChargeId), ShareRowKey = open.ShareRowKey,
                Outcome = ChargeEntity.Voided, DecidedAt = time.GetUtcNow(),
            }, ct);
            return ChargeEntity.Voided;
        }
        catch (RequestFailedException e) when (StorageErrors.IsConflict(e))
        {
            var decided = await purchases.GetChargeAsync(open.PurchaseId, open.ChargeId, ct);
            return decided?.Outcome ?? ChargeEntity.Voided;
        }
    }
}

public sealed record RecoveryReport(int Captured, int Voided);

internal sealed class ChargeRecoveryWorker(ChargeRecovery recovery, StorageHealth health, IOptions<PledgOptions> options, TimeProvider time,
    ILogger<ChargeRecoveryWorker> logger) : PeriodicWorker(health, time, logger)
{
    protected override TimeSpan Interval => options.Value.Payments.RecoveryInterval;

    protected override Task RunOnceAsync(CancellationToken ct) => recovery.RunOnceAsync(ct);
}

public static class PaymentsServices
{
    public static IServiceCollection AddPayments(this IServiceCollection services, bool inProcessWorkers)
    {
        services.AddSingleton<SandboxCardGateway>();
        services.AddSingleton<ICardGateway>(sp => sp.GetRequiredService<SandboxCardGateway>());
        services.AddSingleton<PaymentFaults>();
        services.AddSingleton<ChargeFlow>();
        services.AddSingleton<ChargeRecovery>();
        if (inProcessWorkers) services.AddHostedService<ChargeRecoveryWorker>();
        return services;
    }
}
