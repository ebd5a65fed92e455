using System.Collections.Concurrent;
using System.Net;
using CsCheck;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Money;

/// <summary>A 4-second payment window, so the deadline races the payments and cancels.</summary>
public sealed class RacingDeadlineFixture : ServiceFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Pledg:PaymentWindow"] = "00:00:04";
}

/// <summary>Property test against the real service: random purchases where pays, a cancel, the
/// deadline and a merchant refund interleave (concurrent requests); at rest every money invariant
/// of the contract holds and the service's ledger agrees with the sandbox gateway's.</summary>
public sealed class MoneyInterleavingTests(RacingDeadlineFixture fixture) : IClassFixture<RacingDeadlineFixture>
{
    public sealed record Scenario(long[] PledgerAmounts, bool[] Pays, bool[] PaysTwice, bool Cancels, bool Refunds)
    {
        public override string ToString() =>
            $"pledgers [{string.Join(",", PledgerAmounts)}] pays [{string.Join(",", Pays)}] twice [{string.Join(",", PaysTwice)}] cancel {Cancels} refund {Refunds}";
    }

    private static readonly Gen<Scenario> Scenarios = Gen.Int[1, 3].SelectMany(n => Gen.Select(
        Gen.Long[1, 900].Array[n], Gen.Bool.Array[n], Gen.Bool.Array[n], Gen.Int[0, 3], Gen.Bool,
        (amounts, pays, twice, cancel, refund) => new Scenario(amounts, pays, twice, cancel == 0, refund)));

    [Fact]
    public async Task AtRestTheMoneyAlwaysAddsUp()
    {
        var service = fixture.Service;
        var checkedMovements = new ConcurrentBag<int>();
        await Scenarios.SampleAsync(async scenario =>
        {
            var organizerShare = 100;
            var amount = organizerShare + scenario.PledgerAmounts.Sum();
            var purchase = await TestPurchases.CreateAsync(service.Client(), TestPurchases.Body(amount));
            var id = purchase.GetProperty("id").GetString()!;
            var pledgers = scenario.PledgerAmounts.Select(a => (object)new { email = $"p{Guid.NewGuid():N}@example.com", amount = a }).ToArray();
            var pledge = await PledgeAsync(service.Client(null), TestPurchases.OrganizerToken(purchase), pledgers);
            if (pledge.StatusCode == HttpStatusCode.OK)
            {
                var answer = await pledge.ReadJsonAsync();
                var moves = new List<Task<HttpResponseMessage>>();
                for (var i = 0; i < scenario.PledgerAmounts.Length; i++)
                {
                    if (!scenario.Pays[i]) continue;
                    moves.Add(PayAsync(service.Client(null), ShareToken(answer, i + 1)));
                    if (scenario.PaysTwice[i]) moves.Add(PayAsync(service.Client(null), ShareToken(answer, i + 1)));
                }
                if (scenario.Cancels) moves.Add(service.Client().PostAsync($"/api/purchases/{id}/cancel", null));
                if (scenario.Refunds) moves.Add(service.Client().PostAsync($"/api/purchases/{id}/refund", null));
                foreach (var response in await Task.WhenAll(moves))
                    Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var settled = await MoneyCheck.AtRestAsync(service, id, TimeSpan.FromSeconds(90));
                if (scenario.Refunds && settled.Purchase.State == PurchaseStates.Succeeded && settled.Purchase.RefundStatus is null)
                    await (await service.Client().PostAsync($"/api/purchases/{id}/refund", null)).AssertOkAsync(HttpStatusCode.Accepted);
            }
            var atRest = await MoneyCheck.AtRestAsync(service, id, TimeSpan.FromSeconds(90));
            checkedMovements.Add(await MoneyCheck.AssertInvariantsAsync(service, atRest));
        }, iter: 16, threads: 4);
        Assert.True(checkedMovements.Sum() > 16, $"only {checkedMovements.Sum()} movements checked");
    }
}
