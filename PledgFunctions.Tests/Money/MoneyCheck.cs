using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Money;

/// <summary>The money of one purchase as the merchant API, storage and the sandbox gateway show it,
/// and the contract's invariants over it.</summary>
public static class MoneyCheck
{
    public static async Task<List<JsonElement>> PaymentsAsync(IServiceUnderTest service, string id) =>
        (await (await service.Client().GetAsync($"/api/purchases/{id}/payments")).AssertOkAsync())
        .GetProperty("items").EnumerateArray().ToList();

    /// <summary>Waits until the purchase is final and no refund its state calls for is missing.</summary>
    public static Task<PurchaseWithShares> AtRestAsync(IServiceUnderTest service, string id, TimeSpan timeout) => Eventually.ReturnsAsync(
        async () => (await service.Services.GetRequiredService<PurchaseTable>().GetWithSharesAsync(id, default))!,
        pw => PurchaseStates.IsFinal(pw.Purchase.State) && !MoneyPlan.IsMoneyDue(pw.Purchase), timeout, $"{id} at rest");

    /// <summary>Every invariant of the contract's Money section for a purchase at rest; returns how many movements it checked.</summary>
    public static async Task<int> AssertInvariantsAsync(IServiceUnderTest service, PurchaseWithShares pw)
    {
        var (p, shares) = (pw.Purchase, pw.Shares);
        var id = p.PartitionKey;
        var payments = await PaymentsAsync(service, id);
        var view = await (await service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        long Sum(IEnumerable<JsonElement> rows) => rows.Sum(r => r.GetProperty("amount").GetInt64());
        var charges = payments.Where(r => r.GetProperty("type").GetString() == "charge").ToList();
        var refunds = payments.Where(r => r.GetProperty("type").GetString() == "refund").ToList();

        Assert.Equal(payments.Count, payments.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(Sum(charges) - Sum(refunds), view.GetProperty("collectedAmount").GetInt64());
        var refunded = p.RefundStatus is not null || p.State == PurchaseStates.Failed;
        Assert.Equal(refunded ? 0 : p.Amount, view.GetProperty("collectedAmount").GetInt64());

        foreach (var member in shares.Select(s => s.Email).Distinct())
        {
            var mine = payments.Where(r => r.GetProperty("email").GetString() == member).ToList();
            var charged = Sum(mine.Where(r => r.GetProperty("type").GetString() == "charge"));
            var back = Sum(mine.Where(r => r.GetProperty("type").GetString() == "refund"));
            Assert.True(back <= charged, $"{member} refunded {back} of {charged}");
            var share = shares.First(s => s.Email == member);
            Assert.True(mine.Count(r => r.GetProperty("type").GetString() == "charge") <= 1, $"{member} charged twice");
            Assert.Equal(refunded || share.State != PurchaseStates.Succeeded ? 0 : share.Amount, charged - back);
        }

        // The gateway's own ledger agrees to the unit: the captured charges are the ledger's charges,
        // the gateway's refunds the ledger's refunds.
        var gateway = service.Services.GetRequiredService<SandboxCardGateway>();
        var captured = (await TestCheckout.SettledLedgerAsync(service, id)).Where(c => c.State == SandboxChargeEntity.Captured).ToList();
        var gatewayRefunds = await gateway.RefundsOfAsync(id, default);
        Assert.Equal(Sum(charges), captured.Sum(c => c.Amount));
        Assert.Equal(Sum(refunds), gatewayRefunds.Sum(r => r.Amount));
        foreach (var charge in captured)
            Assert.Equal(charge.RefundedAmount, gatewayRefunds.Where(r => r.PartitionKey == charge.PartitionKey).Sum(r => r.Amount));
        return payments.Count;
    }
}
