using System.Net;
using System.Text;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Money;
using PledgFunctions.Tests.Webhooks;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Hosts;

/// <summary>The contract's main flows, written once and run over each host: standalone
/// (<see cref="StandaloneHostFlowsTests"/>) and the built app under the Functions host
/// (<see cref="FunctionsHostFlowsTests"/>). Over HTTP only, but for the money checks, which also
/// read storage and the sandbox gateway's ledger (<see cref="MoneyCheck"/>).</summary>
public abstract class HostFlows(HostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private IServiceUnderTest Service => fixture.Require();

    [SkippableFact]
    public async Task PayingEveryShareSucceedsThePurchaseAndReimbursesTheOrganizer()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, pledgers: 3, amount: 12_000);
        var id = purchase.GetProperty("id").GetString()!;
        for (var share = 1; share <= 3; share++)
            await (await RetryingUnavailableAsync(() => PayAsync(Service.Client(null), ShareToken(pledge, share), Cards.Good))).AssertOkAsync();

        var atRest = await MoneyCheck.AtRestAsync(Service, id, Patience);
        Assert.Equal("SUCCESSFULL", atRest.Purchase.State);
        var payments = await Eventually.ReturnsAsync(() => MoneyCheck.PaymentsAsync(Service, id),
            p => p.Count(r => r.GetProperty("reason").GetString() == "reimbursement") == 3, Patience, $"{id}'s three reimbursements");
        Assert.Equal(3 * 3_000, payments.Where(r => r.GetProperty("reason").GetString() == "reimbursement").Sum(r => r.GetProperty("amount").GetInt64()));
        Assert.Equal(7, await MoneyCheck.AssertInvariantsAsync(Service, atRest));
    }

    [SkippableFact]
    public async Task CancellingAfterThePledgeRefundsTheOrganizer()
    {
        var (purchase, _) = await PledgedPurchaseAsync(Service, pledgers: 2, amount: 9_000);
        var id = purchase.GetProperty("id").GetString()!;
        var cancelled = await (await Service.Client().PostJsonAsync($"/api/purchases/{id}/cancel", new { reason = "out of stock" })).AssertOkAsync();
        Assert.Equal("FAILED", cancelled.GetProperty("state").GetString());
        Assert.Equal("cancelled", cancelled.GetProperty("failureReason").GetString());

        var atRest = await MoneyCheck.AtRestAsync(Service, id, Patience);
        await MoneyCheck.AssertInvariantsAsync(Service, atRest);
        var refunds = (await MoneyCheck.PaymentsAsync(Service, id)).Where(r => r.GetProperty("type").GetString() == "refund").ToList();
        Assert.Equal(9_000, Assert.Single(refunds).GetProperty("amount").GetInt64());
        Assert.Equal("purchase_failed", refunds[0].GetProperty("reason").GetString());
    }

    [SkippableFact]
    public async Task AMerchantRefundGivesEveryoneTheirShareBack()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(Service, pledgers: 1, amount: 5_000);
        var id = purchase.GetProperty("id").GetString()!;
        await (await RetryingUnavailableAsync(() => PayAsync(Service.Client(null), ShareToken(pledge, 1), Cards.Good))).AssertOkAsync();
        await MoneyCheck.AtRestAsync(Service, id, Patience);

        var accepted = await (await Service.Client().PostJsonAsync($"/api/purchases/{id}/refund", new { reason = "returned" })).AssertOkAsync(HttpStatusCode.Accepted);
        Assert.Contains(accepted.GetProperty("refundStatus").GetString(), new[] { "pending", "succeeded" });
        var refunded = await Eventually.ReturnsAsync(async () => await (await Service.Client().GetAsync($"/api/purchases/{id}")).AssertOkAsync(),
            p => p.GetProperty("refundStatus").GetString() == "succeeded", Patience, $"{id} refunded");
        Assert.Equal("SUCCESSFULL", refunded.GetProperty("state").GetString());
        Assert.Equal(0, refunded.GetProperty("collectedAmount").GetInt64());
        var atRest = await MoneyCheck.AtRestAsync(Service, id, Patience);
        await MoneyCheck.AssertInvariantsAsync(Service, atRest);
        await (await Service.Client().PostJsonAsync($"/api/purchases/{id}/refund", new { })).AssertProblemAsync(HttpStatusCode.Conflict, "already_refunded");
    }

    [SkippableFact]
    public async Task AWebhookIsSignedDeliveredAndRetriedUntilTheMerchantTakesIt()
    {
        var receiver = fixture.Receiver;
        var purchase = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(notificationUrl: receiver.Url));
        var id = Events.Id(purchase);
        // The first POST of each event is refused: the service must try again.
        receiver.Respond = (received, call, _) => Task.FromResult(received.PurchaseId == id && call == 1 ? 500 : 200);
        await (await Service.Client().PostJsonAsync($"/api/purchases/{id}/cancel", new { })).AssertOkAsync();

        var received = await Events.WaitForReceivedAsync(receiver, id, count: 2);
        Assert.All(received, r => Assert.True(r.SignatureVerifies(TestService.MerchantSecret), "Pledg-Signature verifies with the merchant's secret"));
        Assert.All(received, r => Assert.Equal("purchase.failed", r.Type));
        Assert.Single(received.Select(r => r.EventId).Distinct());
        var events = await Events.WaitForStatusAsync(Service.Client(), id, "delivered");
        Assert.True(Assert.Single(events).GetProperty("attempts").GetInt32() >= 2);

        // The merchant asks for it again: one more signed delivery of the same event.
        var eventId = events[0].GetProperty("id").GetString()!;
        await (await Service.Client().PostJsonAsync($"/api/events/{eventId}/redeliver", new { })).AssertOkAsync(HttpStatusCode.Accepted);
        var again = await Events.WaitForReceivedAsync(receiver, id, count: 3);
        Assert.Equal(eventId, again[^1].EventId);
    }

    [SkippableFact]
    public async Task TheMembersAreEmailedAndTheMerchantSeesEachMessageAndEvent()
    {
        var receiver = fixture.Receiver;
        var purchase = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(amount: 8_000, notificationUrl: receiver.Url));
        var id = Events.Id(purchase);
        var pledge = await (await RetryingUnavailableAsync(() => PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(1))))
            .AssertOkAsync();
        var pledger = pledge.GetProperty("shares")[1].GetProperty("email").GetString()!;
        var request = await fixture.Smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == pledger), Patience);
        Assert.Contains(pledge.GetProperty("shares")[1].GetProperty("shareUrl").GetString()!, request.TextBody, StringComparison.Ordinal);
        await (await RetryingUnavailableAsync(() => PayAsync(Service.Client(null), ShareToken(pledge, 1)))).AssertOkAsync();

        var messages = await Eventually.ReturnsAsync(
            async () => (await (await Service.Client().GetAsync($"/api/purchases/{id}/messages")).AssertOkAsync()).GetProperty("items").EnumerateArray().ToArray(),
            m => m.Count(x => x.GetProperty("status").GetString() == "sent") == 4, Patience, "share request, receipt and two succeeded sent");
        Assert.Equal(["share_request", "receipt", "reminder", "reminder", "succeeded", "succeeded"], messages.Select(m => m.GetProperty("kind").GetString()));
        Assert.Equal($"{messages[0].GetProperty("id").GetString()}@pledg.local", request.MessageId);
        var received = await Events.WaitForReceivedAsync(receiver, id, count: 3);
        Assert.Equal(["purchase.pledged", "purchase.succeeded", "share.paid"], received.Select(r => r.Type).Distinct().Order());
    }

    [SkippableFact]
    public async Task AReplayedIdempotencyKeyReturnsTheFirstAnswerAndCreatesNothing()
    {
        var key = "flow-" + Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(TestPurchases.Body(amount: 4_200), JsonSerializerOptions.Web);
        HttpRequestMessage Create(string json)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = Http.Json(json) };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }
        var first = await Service.Client().SendAsync(Create(body));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var replay = await Service.Client().SendAsync(Create(body));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        await (await Service.Client().SendAsync(Create(body.Replace("4200", "4300")))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [SkippableFact]
    public async Task ErrorsAreProblemsWithTheirCodes()
    {
        var merchant = Service.Client();
        await (await merchant.PostAsync("/api/purchases", Http.Json("{not json"))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await merchant.PostJsonAsync("/api/purchases", new { organizerEmail = "x", amount = 12.5, currency = "EUR" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "amount");
        await (await Service.Client(null).GetAsync("/api/purchases")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await Service.Client("sk_unknown_0123456789abcdef").GetAsync("/api/purchases")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await merchant.GetAsync("/api/purchases/pur_00000000000000000000000000000000")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Service.Client(null).GetAsync("/api/shares/unknown-token")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        var (purchase, _) = await PledgedPurchaseAsync(Service, pledgers: 1);
        var id = purchase.GetProperty("id").GetString()!;
        await (await merchant.PostJsonAsync($"/api/purchases/{id}/refund", new { })).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");
        await (await PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(1)))
            .AssertProblemAsync(HttpStatusCode.Conflict, "purchase_not_modifiable");

        var tooLarge = new StringBuilder("{\"organizerEmail\":\"a@example.com\",\"amount\":100,\"currency\":\"EUR\",\"reference\":\"");
        tooLarge.Append('x', 70 * 1024).Append("\"}");
        await (await merchant.PostAsync("/api/purchases", Http.Json(tooLarge.ToString()))).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [SkippableFact]
    public async Task TheMerchantsReadsAndAnEditAnswerAsTheContractSays()
    {
        var merchant = Service.Client();
        var organizer = $"reads+{Guid.NewGuid():N}@example.com";
        var purchase = await TestPurchases.CreateAsync(merchant, TestPurchases.Body(amount: 3_000, organizer: organizer));
        var id = purchase.GetProperty("id").GetString()!;

        var edited = await (await merchant.PatchAsync($"/api/purchases/{id}", Http.Json(new { reference = "order-42" }))).AssertOkAsync();
        Assert.Equal("order-42", edited.GetProperty("reference").GetString());
        Assert.Equal(3_000, edited.GetProperty("amount").GetInt64());
        Assert.Equal("INITIALIZED", (await (await merchant.GetAsync($"/api/purchases/{id}/status")).AssertOkAsync()).GetProperty("state").GetString());
        var listed = await (await merchant.GetAsync($"/api/purchases?organizerEmail={Uri.EscapeDataString(organizer)}&limit=5")).AssertOkAsync();
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty((await (await merchant.GetAsync($"/api/purchases/{id}/payments")).AssertOkAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(3_000, (await (await Service.Client(null).GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(purchase)}")).AssertOkAsync())
            .GetProperty("amount").GetInt64());
        // Another merchant sees none of it.
        await (await Service.Client(TestService.OtherMerchantKey).GetAsync($"/api/purchases/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task TheHostedPagesAndTheOpenApiDocumentAreServed()
    {
        var purchase = await TestPurchases.CreateAsync(Service.Client());
        var page = await Service.Client(null).GetAsync($"/pay/{TestPurchases.OrganizerToken(purchase)}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal(HttpStatusCode.OK, (await Service.Client(null).GetAsync("/pay/assets/app.css")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Client(null).GetAsync("/pay/share/unknown-token")).StatusCode);

        var document = await (await Service.Client(null).GetAsync("/openapi/v1.json")).AssertOkAsync();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "/api/purchases", "/api/purchases/{id}", "/api/purchases/{id}/refund", "/api/purchases/{id}/payments" }, paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/api/checkout") || p.StartsWith("/api/shares"));
        // Contract 1.2: the hosted-page API in a document of its own, served by both hosts alike.
        var pages = await (await Service.Client(null).GetAsync("/openapi/pages.json")).AssertOkAsync();
        Assert.Equal(["/api/checkout/{organizerToken}", "/api/checkout/{organizerToken}/pledge", "/api/shares/{shareToken}", "/api/shares/{shareToken}/pay"],
            pages.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.OK, (await Service.Client(null).GetAsync("/api/health")).StatusCode);
        // The rate limiter's fields (IETF httpapi draft) on a merchant answer, under both hosts.
        var read = await Service.Client().GetAsync($"/api/purchases/{purchase.GetProperty("id").GetString()}");
        Assert.Matches("^\"client\";q=[0-9]+;w=[0-9]+$", read.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Matches("^\"client\";r=[0-9]+;t=[0-9]+$", read.Headers.GetValues("RateLimit").Single());
    }
}

public sealed class StandaloneHostFlowsTests(StandaloneHostFixture fixture) : HostFlows(fixture), IClassFixture<StandaloneHostFixture>;

public sealed class FunctionsHostFlowsTests(FunctionsHostFixture fixture) : HostFlows(fixture), IClassFixture<FunctionsHostFixture>;
