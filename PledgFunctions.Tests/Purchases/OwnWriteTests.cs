using System.Net;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Purchases;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Purchases;

/// <summary>A write that landed but whose retry (by the storage SDK, after a lost response) saw a
/// conflict is still our write: the request answers as if nothing happened, not 409.</summary>
public sealed class OwnWriteTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private TestService Service => fixture.Service;

    private async Task<HttpResponseMessage> WithRetryConflictAfterCommitAsync(string id, Func<Task<HttpResponseMessage>> send)
    {
        var faults = Service.Services.GetRequiredService<PurchaseFaults>();
        var fired = 0;
        faults.AfterCommit = purchaseId =>
        {
            if (purchaseId == id && Interlocked.Exchange(ref fired, 1) == 0)
                throw new RequestFailedException(412, "The retried request conflicts with the write it repeats.", "UpdateConditionNotSatisfied", null);
        };
        try
        {
            var response = await send();
            Assert.Equal(1, fired);
            return response;
        }
        finally
        {
            faults.AfterCommit = null;
        }
    }

    [Fact]
    public async Task ACancelWhoseRetrySawItsOwnWriteAnswers200()
    {
        var id = (await TestPurchases.CreateAsync(Service.Client())).GetProperty("id").GetString()!;

        var response = await WithRetryConflictAfterCommitAsync(id, () => Service.Client().PostAsync($"/api/purchases/{id}/cancel", null));

        var body = await response.AssertOkAsync();
        Assert.Equal("FAILED", body.GetProperty("state").GetString());
        Assert.Equal("cancelled", body.GetProperty("failureReason").GetString());
    }

    [Fact]
    public async Task AnEditWhoseRetrySawItsOwnWriteAnswers200()
    {
        var id = (await TestPurchases.CreateAsync(Service.Client())).GetProperty("id").GetString()!;

        var response = await WithRetryConflictAfterCommitAsync(id, () => Service.Client().PatchAsync($"/api/purchases/{id}", Http.Json("""{"reference": "mine"}""")));

        Assert.Equal("mine", (await response.AssertOkAsync()).GetProperty("reference").GetString());
    }

    [Fact]
    public async Task ARefundWhoseRetrySawItsOwnWriteAnswers202()
    {
        var (purchase, pledge) = await TestCheckout.PledgedPurchaseAsync(Service, 1);
        var id = purchase.GetProperty("id").GetString()!;
        await (await TestCheckout.PayAsync(Service.Client(null), TestCheckout.ShareToken(pledge, 1))).AssertOkAsync();

        var response = await WithRetryConflictAfterCommitAsync(id, () => Service.Client().PostAsync($"/api/purchases/{id}/refund", null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () => (await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync()).GetProperty("refundStatus").GetString() == "succeeded",
            TimeSpan.FromSeconds(60), "refund succeeded");
    }

    [Fact]
    public async Task ACancelLosingToAnotherWriterStill409s()
    {
        var id = (await TestPurchases.CreateAsync(Service.Client())).GetProperty("id").GetString()!;
        await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertOkAsync();

        await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
    }
}

public sealed class OwnIdempotencyClaimTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task AClaimWhoseInsertLandedBeforeItsRetryConflictedIsStillOurs()
    {
        var store = fixture.Service.Services.GetRequiredService<IdempotencyStore>();
        var (merchant, key, route, hash) = ("mer_owntest", Guid.NewGuid().ToString(), "POST /api/purchases", IdempotencyStore.Hash([1, 2, 3]));
        var candidate = PledgFunctions.Storage.PurchaseKeys.NewPurchaseId(TimeProvider.System.GetUtcNow());
        Assert.IsType<IdempotencyOutcome.Proceed>(await store.BeginAsync(merchant, key, route, hash, candidate, CancellationToken.None));

        // What the storage SDK's retry of that insert meets: the row it wrote itself.
        var again = await store.BeginAsync(merchant, key, route, hash, candidate, CancellationToken.None);

        Assert.Equal(candidate, Assert.IsType<IdempotencyOutcome.Proceed>(again).PurchaseId);
        var other = PledgFunctions.Storage.PurchaseKeys.NewPurchaseId(TimeProvider.System.GetUtcNow());
        Assert.IsType<IdempotencyOutcome.InFlight>(await store.BeginAsync(merchant, key, route, hash, other, CancellationToken.None));
    }
}
