using System.Net;
using Azure.Data.Tables;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Engine;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Payments;
using PledgFunctions.Purchases;
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
        var charges = (await SettledLedgerAsync(_service, id)).Where(c => c.ShareRowKey == ShareEntity.RowKeyFor(1)).ToList();
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

    /// <summary>Shares paid before they carried their authorization's key (or whose key the
    /// observation cannot match) are settled the older way: the gateway's lookup of the key, then
    /// the decision row; the purchase is read again after it, and its money follows.</summary>
    [Fact]
    public async Task ACommittedChargeTheShareDoesNotNameIsCapturedFromItsDecisionRow()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(_service, 1);
        var (id, token) = (purchase.GetProperty("id").GetString()!, ShareToken(pledge, 1));
        var purchases = _service.Services.GetRequiredService<PurchaseTable>();
        var crashed = 0;
        _service.Services.GetRequiredService<PaymentFaults>().AfterCommit = _ =>
        {
            if (Interlocked.Exchange(ref crashed, 1) == 1) return;
            var (_, share) = purchases.GetWithShareAsync(id, 1, default).GetAwaiter().GetResult();
            share!.AuthorizationKey = null;
            purchases.ReplaceAsync(share, default).GetAwaiter().GetResult();
            throw new SimulatedCrash();
        };

        Assert.Equal(HttpStatusCode.InternalServerError, (await PayAsync(_service.Client(null), token)).StatusCode);

        await Eventually.TrueAsync(async () => (await ShareChargesAsync(id, 1)).Single().State == SandboxChargeEntity.Captured,
            TimeSpan.FromSeconds(60), "committed authorization captured from its decision row");
        var gateway = _service.Services.GetRequiredService<SandboxCardGateway>();
        await Eventually.TrueAsync(async () => (await gateway.RefundsOfAsync(id, default)).Sum(r => r.Amount) == 6000,
            TimeSpan.FromSeconds(60), "the organizer reimbursed for the share");
        var done = await (await _service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal("SUCCESSFULL", done.GetProperty("state").GetString());
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

    /// <summary>A purchase whose orchestration has not started yet: its start message is in the
    /// queue but invisible for <paramref name="startIn"/>, as when a killed worker had dequeued it.
    /// Events reaching it meanwhile are discarded by the Azure Storage provider.</summary>
    private async Task<(string Id, string OrganizerToken)> PurchaseStartingInAsync(TimeSpan startIn)
    {
        var now = TimeProvider.System.GetUtcNow();
        var id = PurchaseKeys.NewPurchaseId(now);
        var creator = _service.Services.GetRequiredService<PurchaseCreator>();
        var merchant = (await _service.Services.GetRequiredService<MerchantStore>().FindByApiKeyAsync(TestService.MerchantKey, default))!;
        var entity = creator.NewEntity(id, merchant, new CreatePurchaseRequest("organizer@example.com", 9000, "EUR", null, null, null),
            _service.BaseAddress.ToString().TrimEnd('/'), now);
        var instance = new OrchestrationInstance { InstanceId = id, ExecutionId = Guid.NewGuid().ToString("N") };
        var input = new LifecycleInput(id, TimeSpan.FromSeconds(1), entity.Deadline);
        await _service.Services.GetRequiredService<EngineStorage>().Service.CreateTaskOrchestrationAsync(new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, JsonDataConverter.Default.Serialize(input))
            {
                Name = nameof(PurchaseLifecycle), OrchestrationInstance = instance, Tags = new Dictionary<string, string>(), ScheduledStartTime = now.UtcDateTime + startIn,
            },
        });
        await creator.CreateAsync(entity, default); // finds the instance pending and keeps it
        return (id, entity.OrganizerToken);
    }

    [Fact]
    public async Task AuthorizationsAnnouncedBeforeTheInstanceStartedAreSettledByItsFirstLook()
    {
        // Found by the fault suite under kill -9: the nudges of requests that died were discarded,
        // leaving one authorization open (never voided) and one committed but never captured.
        var startIn = TimeSpan.FromSeconds(12);
        var (beforeCommit, beforeCommitToken) = await PurchaseStartingInAsync(startIn);
        var (afterCommit, afterCommitToken) = await PurchaseStartingInAsync(startIn);
        var faults = _service.Services.GetRequiredService<PaymentFaults>();
        try
        {
            faults.AfterAuthorize = _ => throw new SimulatedCrash();
            Assert.Equal(HttpStatusCode.InternalServerError, (await PledgeAsync(_service.Client(null), beforeCommitToken, Pledgers(2))).StatusCode);
            faults.AfterAuthorize = null;
            faults.AfterCommit = _ => throw new SimulatedCrash();
            Assert.Equal(HttpStatusCode.InternalServerError, (await PledgeAsync(_service.Client(null), afterCommitToken, Pledgers(2))).StatusCode);
        }
        finally
        {
            (faults.AfterAuthorize, faults.AfterCommit) = (null, null);
        }
        var engine = _service.Services.GetRequiredService<DurableTaskClient>();
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await engine.GetInstanceAsync(afterCommit))!.RuntimeStatus);

        await Eventually.TrueAsync(async () => (await LedgerAsync(_service, beforeCommit)).Single().State == SandboxChargeEntity.Voided,
            TimeSpan.FromSeconds(90), "authorization of the request that died before committing voided");
        await Eventually.TrueAsync(async () => (await LedgerAsync(_service, afterCommit)).Single().State == SandboxChargeEntity.Captured,
            TimeSpan.FromSeconds(90), "committed authorization of the request that died before capturing captured");
        var checkout = await (await _service.Client(null).GetAsync($"/api/checkout/{beforeCommitToken}")).AssertOkAsync();
        Assert.Equal("INITIALIZED", checkout.GetProperty("state").GetString());
    }

    [Fact]
    public async Task ACancelAnnouncedBeforeTheInstanceStartedIsFollowedThoughItCommitsAfterTheFirstLook()
    {
        // The cancel's event is discarded (the instance has not started) and its commit is held until
        // the instance's first look has run: only the announce- row tells the orchestration. Without
        // it the orchestration would next look at the deadline, two days later.
        var (id, _) = await PurchaseStartingInAsync(TimeSpan.FromSeconds(8));
        var history = _service.Services.GetRequiredService<StorageClients>().Tables
            .GetTableClient(_service.Services.GetRequiredService<EngineStorage>().TaskHubName + "History");
        async Task<List<string>> ResultsAsync()
        {
            var results = new List<string>();
            await foreach (var row in history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}")))
                if (row.GetString("EventType") == "TaskCompleted") results.Add(row.GetString("Result") ?? "");
            return results;
        }
        var faults = _service.Services.GetRequiredService<PurchaseFaults>();
        faults.BeforeCancelCommit = async purchaseId =>
        {
            if (purchaseId == id)
                await Eventually.TrueAsync(async () => (await ResultsAsync()).Count > 0, TimeSpan.FromSeconds(60), "the instance's first look");
        };
        try
        {
            await (await _service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertOkAsync();
        }
        finally
        {
            faults.BeforeCancelCommit = null;
        }
        Assert.All(await ResultsAsync(), result => Assert.DoesNotContain("FAILED", result));

        await Eventually.TrueAsync(async () => (await ResultsAsync()).Exists(r => r.Contains("FAILED")),
            TimeSpan.FromSeconds(60), "the orchestration's look that sees the cancel");
    }
}
