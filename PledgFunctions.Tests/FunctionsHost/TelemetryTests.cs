using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using PledgFunctions.Telemetry;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>What reaches an exporter: spans for requests, storage calls and webhooks with the page
/// tokens, card data and merchant URL paths left out, and the business counters.</summary>
public sealed class TelemetryTests
{
    [Theory]
    [InlineData("/pay/AbCdEf_123-x", "/pay/{token}")]
    [InlineData("/pay/share/AbCdEf_123-x", "/pay/share/{token}")]
    [InlineData("/pay/assets/app.css", "/pay/assets/app.css")]
    [InlineData("/api/checkout/AbCdEf/pledge", "/api/checkout/{token}/pledge")]
    [InlineData("/api/shares/AbCdEf/pay", "/api/shares/{token}/pay")]
    [InlineData("/API/Shares/AbCdEf", "/API/Shares/{token}")]
    [InlineData("http://127.0.0.1:7071/pay/share/AbC?x=1", "http://127.0.0.1:7071/pay/share/{token}?x=1")]
    [InlineData("/api/purchases/pur_0123/cancel", "/api/purchases/pur_0123/cancel")]
    public void TokenSegmentsAreRedacted(string path, string expected) => Assert.Equal(expected, TelemetryRedaction.RedactPath(path));

    [Theory]
    [InlineData("QueueClient.ReceiveMessages", false)]
    [InlineData("TableClient.Query", false)]
    [InlineData("GET /api/health", true)]
    [InlineData("POST", true)]
    public void ThePollersRootStorageSpansAreDropped(string name, bool kept)
    {
        var parameters = new SamplingParameters(default, ActivityTraceId.CreateRandom(), name, ActivityKind.Client);
        Assert.Equal(kept, new PollingNoiseSampler().ShouldSample(parameters).Decision == SamplingDecision.RecordAndSample);
    }

    [Fact]
    public async Task SpansCarryNoTokensCardDataOrMerchantPathsAndCountersCount()
    {
        var exporter = new CapturingExporter();
        var measurements = new ConcurrentQueue<(string Name, KeyValuePair<string, object?>[] Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PledgMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, tags.ToArray())));
        meters.Start();

        await using var azurite = await Azurite.StartNewAsync();
        await using var receiver = await WebhookReceiver.StartNewAsync();
        await using var service = await TestService.StartAsync(azurite, services: s =>
            s.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(exporter))));

        var purchase = await TestPurchases.CreateAsync(service.Client(), TestPurchases.Body(notificationUrl: receiver.Url + "/merchant-secret-path"));
        var organizerToken = TestPurchases.OrganizerToken(purchase);
        await (await service.Client(null).GetAsync($"/pay/{organizerToken}")).AssertSuccessAsync();
        var pledge = await (await PledgeAsync(service.Client(null), organizerToken, Pledgers(1))).AssertOkAsync();
        var shareToken = ShareToken(pledge, 1);
        await (await service.Client(null).GetAsync($"/pay/share/{shareToken}")).AssertSuccessAsync();
        await (await PayAsync(service.Client(null), shareToken)).AssertOkAsync();
        var cancelled = await TestPurchases.CreateAsync(service.Client());
        await (await service.Client().PostJsonAsync($"/api/purchases/{cancelled.GetProperty("id").GetString()}/cancel", new { })).AssertOkAsync();
        bool IsWebhook(Activity s) => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("server.port"), receiver.Port);
        await Eventually.TrueAsync(() => Task.FromResult(exporter.Spans.Any(IsWebhook)), TimeSpan.FromSeconds(30), "the webhook's HTTP span");

        // The receiver is an ASP.NET Core app in this process too: its own server spans are the merchant's, not ours.
        var spans = exporter.Spans.Where(s => !(s.Kind == ActivityKind.Server && Equals(s.GetTagItem("server.port"), receiver.Port))).ToList();
        string[] secrets = [organizerToken, shareToken, "4242424242424242", "merchant-secret-path", TestService.MerchantKey];
        foreach (var span in spans)
        foreach (var (key, text) in span.TagObjects.Select(t => (t.Key, t.Value?.ToString() ?? "")).Append(("name", span.DisplayName)))
            Assert.False(secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal)), $"{span.Source.Name} span '{span.DisplayName}': {key} = {text}");

        var paths = spans.Select(s => s.GetTagItem("url.path") as string).OfType<string>().ToHashSet();
        Assert.Contains("/pay/{token}", paths);
        Assert.Contains("/pay/share/{token}", paths);
        Assert.Contains("/api/checkout/{token}/pledge", paths);
        Assert.Contains("/api/shares/{token}/pay", paths);
        Assert.Contains(spans, s => s.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) && s.ParentId is not null);
        // A storage call is the Azure SDK's span alone, not repeated by an HttpClient span under it.
        Assert.DoesNotContain(spans, s => s.Source.Name == "System.Net.Http"
                                          && (Equals(s.GetTagItem("server.port"), azurite.TablePort) || Equals(s.GetTagItem("server.port"), azurite.QueuePort)));
        var webhook = spans.First(IsWebhook);
        Assert.Equal($"http://127.0.0.1:{receiver.Port}/{TelemetryRedaction.Redacted}", webhook.GetTagItem("url.full"));

        var names = measurements.Select(m => m.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "pledg.purchases.created", "pledg.purchases.pledged", "pledg.purchases.succeeded", "pledg.purchases.failed", "pledg.webhooks.attempts" }, names);
        Assert.Contains(measurements, m => m.Name == "pledg.purchases.failed" && m.Tags.Contains(new("reason", "cancelled")));
    }

    private sealed class CapturingExporter : BaseExporter<Activity>
    {
        public ConcurrentQueue<Activity> Spans { get; } = new();

        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch) Spans.Enqueue(activity);
            return ExportResult.Success;
        }
    }
}

internal static class ResponseAssertions
{
    public static async Task AssertSuccessAsync(this HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}
