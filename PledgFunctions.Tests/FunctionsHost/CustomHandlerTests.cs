using System.Net;
using System.Text.Json;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>The service as the Functions host's custom handler: the host's HTTP-proxied requests
/// and its queue- and timer-trigger invocations, posted exactly as the host sends them.</summary>
public sealed class CustomHandlerTests(CustomHandlerFixture f) : IClassFixture<CustomHandlerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Id(JsonElement purchase) => purchase.GetProperty("id").GetString()!;

    [Fact]
    public async Task ServesOnTheHandlerPortAndAnswersProxiedRequests()
    {
        Assert.Equal(f.HandlerPort, f.Handler.BaseAddress.Port);
        Assert.False(await FreePorts.AnswersAsync(f.UrlsPort), "ASPNETCORE_URLS must not win over FUNCTIONS_CUSTOMHANDLER_PORT");

        // The host's readiness probe: any HTTP answer to GET / will do.
        using var client = f.Handler.Client();
        var probe = await client.GetAsync("/");
        Assert.True((int)probe.StatusCode is >= 200 and < 500, $"readiness probe answered {(int)probe.StatusCode}");

        // A proxied request keeps its path and arrives with Host 127.0.0.1:<port>; the links it
        // returns still use the public address.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/purchases") { Content = Http.Json(TestPurchases.Body()) };
        HostPayloads.AddHostHeaders(request);
        var purchase = await (await client.SendAsync(request)).AssertOkAsync(HttpStatusCode.Created);
        Assert.StartsWith(CustomHandlerFixture.PublicBaseUrl + "/pay/", purchase.GetProperty("paymentUrl").GetString());
    }

    [Fact]
    public async Task TimerInvocationFailsAnOverduePurchase()
    {
        var id = Id(await TestPurchases.CreateAsync(f.Handler.Client()));
        // The message the app enqueued becomes visible at the deadline; the host's trigger takes it.
        var message = await f.DequeueAsync(QueueNames.DeadlineTimers, id, Patience);
        // Nothing in the process polls the queue under the host: the purchase waits for the invocation.
        Assert.Equal(PurchaseStates.Initialized, (await f.StoredAsync(id)).State);

        var body = HostPayloads.QueueTrigger("deadline-timers", message.Body.ToString(), message);
        var answer = await (await HostPayloads.InvokeAsync(f.Handler.Client(null), "deadline-timers", body)).AssertInvocationAnswerAsync(success: true);

        var stored = await f.StoredAsync(id);
        Assert.Equal(PurchaseStates.Failed, stored.State);
        Assert.Equal(FailureReasons.DeadlineExpired, stored.FailureReason);
        Assert.Contains(answer.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains(id));
        // The host owns the message: the app neither deleted it nor changed its pop receipt, so the
        // host's own delete after the 2xx succeeds.
        await f.Queue(QueueNames.DeadlineTimers).DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    [Fact]
    public async Task TimerInvocationAcceptsAMessageEncodedOnce()
    {
        var id = Id(await TestPurchases.CreateAsync(f.Handler.Client()));
        var message = await f.DequeueAsync(QueueNames.DeadlineTimers, id, Patience);

        var body = HostPayloads.QueueTrigger("deadline-timers", message.Body.ToString(), message, encodedTwice: false);
        await (await HostPayloads.InvokeAsync(f.Handler.Client(null), "deadline-timers", body)).AssertInvocationAnswerAsync(success: true);

        Assert.Equal(PurchaseStates.Failed, (await f.StoredAsync(id)).State);
    }

    [Fact]
    public async Task SweepInvocationFailsOverduePurchases()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TestPurchases.CreateAsync(f.Handler.Client())));
        var ids = created.Select(Id).ToList();
        var deadline = created.Max(p => p.GetProperty("deadline").GetDateTimeOffset());
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() > deadline), Patience, "deadlines passed");

        var answer = await (await HostPayloads.InvokeAsync(f.Handler.Client(null), "deadline-sweep", HostPayloads.TimerTrigger()))
            .AssertInvocationAnswerAsync(success: true);

        foreach (var id in ids) Assert.Equal(PurchaseStates.Failed, (await f.StoredAsync(id)).State);
        var logs = answer.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(logs, l => l.StartsWith("deadline sweep:"));
        Assert.Contains(logs, l => l.StartsWith("charge recovery:"));
    }

    [Fact]
    public async Task SweepInvocationOnAFirstRunSucceeds() =>
        await (await HostPayloads.InvokeAsync(f.Handler.Client(null), "deadline-sweep", HostPayloads.TimerTrigger(firstRun: true)))
            .AssertInvocationAnswerAsync(success: true);

    public static TheoryData<string, string> Unreadable => new()
    {
        { "deadline-timers", HostPayloads.QueueTrigger("deadline-timers", "not a timer message") },
        { "deadline-timers", HostPayloads.QueueTrigger("deadline-timers", """{"purchaseId":"nope","deadline":"2026-11-24T18:00:00Z"}""") },
        { "deadline-timers", """{"Data":{},"Metadata":{}}""" },
        { "deadline-timers", "this is not JSON" },
        { "webhook-deliveries", HostPayloads.QueueTrigger("webhook-deliveries", """{"purchaseId":"pur_x","eventId":"evt_x","attempt":1}""") },
        { "webhook-deliveries", "[]" },
    };

    /// <summary>A failure status is what makes the host retry the message and, after
    /// maxDequeueCount tries, move it to the -poison queue.</summary>
    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task UnreadableInvocationIsAFailureSoTheHostRetriesThenPoisons(string function, string body)
    {
        var response = await HostPayloads.InvokeAsync(f.Handler.Client(null), function, body);
        await response.AssertInvocationAnswerAsync(success: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task WebhookInvocationDeliversTheEvent()
    {
        var id = Id(await TestPurchases.CreateAsync(f.Handler.Client(), TestPurchases.Body(notificationUrl: f.Receiver.Url)));
        await (await f.Handler.Client().PostJsonAsync($"/api/purchases/{id}/cancel", new { })).AssertOkAsync();
        var message = await f.DequeueAsync(QueueNames.WebhookDeliveries, id, Patience);
        Assert.Empty(f.Receiver.ReceivedFor(id)); // nothing in the process delivers under the host

        var body = HostPayloads.QueueTrigger("webhook-deliveries", message.Body.ToString(), message);
        await (await HostPayloads.InvokeAsync(f.Handler.Client(null), "webhook-deliveries", body)).AssertInvocationAnswerAsync(success: true);

        var received = Assert.Single(f.Receiver.ReceivedFor(id));
        Assert.Equal("purchase.failed", received.Type);
        Assert.True(received.SignatureVerifies(TestService.MerchantSecret));
        var events = await Events.ListAsync(f.Handler.Client(), id);
        Assert.Equal("delivered", Assert.Single(events).GetProperty("status").GetString());
        await f.Queue(QueueNames.WebhookDeliveries).DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    [Fact]
    public async Task RefusedWebhookIsRetriedThroughANewMessageNotTheHostsOne()
    {
        var id = Id(await TestPurchases.CreateAsync(f.Handler.Client(), TestPurchases.Body(notificationUrl: f.Receiver.Url)));
        f.Receiver.Respond = (r, _, _) => Task.FromResult(r.PurchaseId == id ? 500 : 200);
        await (await f.Handler.Client().PostJsonAsync($"/api/purchases/{id}/cancel", new { })).AssertOkAsync();
        var first = await f.DequeueAsync(QueueNames.WebhookDeliveries, id, Patience);

        var body = HostPayloads.QueueTrigger("webhook-deliveries", first.Body.ToString(), first);
        await (await HostPayloads.InvokeAsync(f.Handler.Client(null), "webhook-deliveries", body)).AssertInvocationAnswerAsync(success: true);

        Assert.Single(f.Receiver.ReceivedFor(id));
        // The attempt is done (2xx: the host deletes its message); the retry is a new message.
        await f.Queue(QueueNames.WebhookDeliveries).DeleteMessageAsync(first.MessageId, first.PopReceipt);
        var retry = await f.DequeueAsync(QueueNames.WebhookDeliveries, id, Patience);
        Assert.NotEqual(first.MessageId, retry.MessageId);
        Assert.Equal(2, JsonDocument.Parse(retry.Body.ToString()).RootElement.GetProperty("attempt").GetInt32());
    }
}
