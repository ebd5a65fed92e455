using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Money;

/// <summary>The money follows the state: reimbursements as pledgers pay, refunds when a purchase
/// fails or the merchant refunds it, all listed in the payments ledger.</summary>
public sealed class MoneyFlowTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(60);
    private TestService Service => fixture.Service;

    private static (string Type, string Reason, long Amount) Row(System.Text.Json.JsonElement r) =>
        (r.GetProperty("type").GetString()!, r.GetProperty("reason").GetString()!, r.GetProperty("amount").GetInt64());

    [Fact]
    public async Task EachPaymentReimbursesTheOrganizerOnceAndCollectedStaysTheAmount()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        var id = purchase.GetProperty("id").GetString()!;

        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
        var payments = await Eventually.ReturnsAsync(() => MoneyCheck.PaymentsAsync(Service, id), rows => rows.Count == 3, Soon, "reimbursement listed");

        Assert.Equal([("charge", "pledge", 12000L), ("charge", "share", 4000L), ("refund", "reimbursement", 4000L)], payments.Select(Row));
        Assert.Equal(purchase.GetProperty("organizerEmail").GetString(), payments[2].GetProperty("email").GetString());
        Assert.StartsWith("pay_", payments[0].GetProperty("id").GetString());
        var read = await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal(12000, read.GetProperty("collectedAmount").GetInt64());

        await (await PayAsync(Service.Client(null), ShareToken(pledge, 2))).AssertOkAsync();
        var atRest = await MoneyCheck.AtRestAsync(Service, id, Soon);
        Assert.Equal(PurchaseStates.Succeeded, atRest.Purchase.State);
        Assert.Equal(5, await MoneyCheck.AssertInvariantsAsync(Service, atRest));
    }

    [Fact]
    public async Task CancellingAfterThePledgeFailsTheUnpaidSharesAndRefundsEveryone()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 2);
        var id = purchase.GetProperty("id").GetString()!;
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        var cancelled = await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertOkAsync();

        Assert.Equal(("FAILED", "cancelled"), (cancelled.GetProperty("state").GetString(), cancelled.GetProperty("failureReason").GetString()));
        var atRest = await MoneyCheck.AtRestAsync(Service, id, Soon);
        Assert.Equal(PurchaseStates.Failed, atRest.Shares[2].State);
        await MoneyCheck.AssertInvariantsAsync(Service, atRest);
        var refunds = (await MoneyCheck.PaymentsAsync(Service, id)).Select(Row).Where(r => r.Type == "refund").ToList();
        Assert.Equal([("refund", "reimbursement", 4000L), ("refund", "purchase_failed", 8000L), ("refund", "purchase_failed", 4000L)],
            refunds.OrderBy(r => r.Reason == "purchase_failed").ThenByDescending(r => r.Amount));
        await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        await (await Service.Client().PostAsync($"/api/purchases/{id}/refund", null)).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
    }

    [Fact]
    public async Task AMerchantRefundGivesEveryMemberTheirShareBackOnce()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, 1, amount: 9001);
        var id = purchase.GetProperty("id").GetString()!;
        await (await Service.Client().PostAsync($"/api/purchases/{id}/refund", null)).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        await (await PayAsync(Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        var accepted = await (await Service.Client().PostJsonAsync($"/api/purchases/{id}/refund", new { reason = "returned" })).AssertOkAsync(HttpStatusCode.Accepted);
        var again = await Service.Client().PostAsync($"/api/purchases/{id}/refund", null);

        Assert.Equal(("SUCCESSFULL", "pending"), (accepted.GetProperty("state").GetString(), accepted.GetProperty("refundStatus").GetString()));
        await again.AssertProblemAsync(HttpStatusCode.Conflict, "already_refunded");
        var done = await Eventually.ReturnsAsync(async () => await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync(),
            p => p.GetProperty("refundStatus").GetString() == "succeeded", Soon, "refund succeeded");
        Assert.Equal(0, done.GetProperty("collectedAmount").GetInt64());
        Assert.Equal("SUCCESSFULL", done.GetProperty("state").GetString());
        var atRest = await MoneyCheck.AtRestAsync(Service, id, Soon);
        await MoneyCheck.AssertInvariantsAsync(Service, atRest);
        var merchantRefunds = (await MoneyCheck.PaymentsAsync(Service, id)).Select(Row).Where(r => r.Reason == "merchant_refund").Select(r => r.Amount);
        Assert.Equal([4500L, 4501L], merchantRefunds.Order());
    }

    [Fact]
    public async Task AnotherMerchantSeesNeitherThePaymentsNorTheRefund()
    {
        var (purchase, _) = await PledgedPurchaseAsync(Service, 1);
        var id = purchase.GetProperty("id").GetString()!;
        var other = Service.Client(TestService.OtherMerchantKey);

        await (await other.GetAsync($"/api/purchases/{id}/payments")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.PostAsync($"/api/purchases/{id}/refund", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Service.Client().GetAsync("/api/purchases/pur_00000000000000000000000000000000/payments")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task ARefundEndsWithThePurchaseRefundedEventInTheOutbox()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(notificationUrl: "http://127.0.0.1:9/hooks"));
        var id = purchase.GetProperty("id").GetString()!;
        await (await PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(purchase), [])).AssertOkAsync();

        await (await Service.Client().PostAsync($"/api/purchases/{id}/refund", null)).AssertOkAsync(HttpStatusCode.Accepted);

        var table = Service.Services.GetRequiredService<PurchaseTable>();
        var types = await Eventually.ReturnsAsync(async () =>
        {
            var found = new List<string>();
            await foreach (var e in table.QueryPartitionAsync<EventEntity>(id, EventEntity.RowPrefix, default)) found.Add(e.Type);
            return found;
        }, t => t.Contains("purchase.refunded"), Soon, "purchase.refunded in the outbox");
        Assert.Equal(["purchase.pledged", "purchase.refunded", "purchase.succeeded"], types.Order());
    }
}
