using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Azure.Data.Tables;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Telemetry;

/// <summary>A full flow on the token routes, a 500 and a 503 among them, with every log category at
/// Trace: no page token, API key or card number in any log line, span or metric tag.</summary>
public sealed class SecretsOutOfTelemetryTests
{
    private const string CardNumber = "4242424242424242";

    [Fact]
    public async Task NoTokenKeyOrCardNumberReachesAnyLogLineSpanOrMetric()
    {
        using var capture = new TelemetryCapture();
        await using var azurite = await Azurite.StartNewAsync();
        await using var service = await TestService.StartAsync(azurite,
            s =>
            {
                s["Logging:LogLevel:Default"] = "Trace";
                s["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
                s["Logging:LogLevel:Azure"] = "Trace";
                s["Logging:LogLevel:System"] = "Trace";
            },
            s =>
            {
                s.AddSingleton<ILoggerProvider>(capture);
                s.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(capture.SpanExporter)));
            });
        var page = service.Client(null);

        var purchase = await TestPurchases.CreateAsync(service.Client());
        var organizerToken = TestPurchases.OrganizerToken(purchase);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync($"/pay/{organizerToken}")).StatusCode);
        var pledge = await (await PledgeAsync(page, organizerToken, Pledgers(2))).AssertOkAsync();
        var shareToken = ShareToken(pledge, 1);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync($"/pay/share/{shareToken}")).StatusCode);
        await (await PayAsync(page, shareToken)).AssertOkAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await page.GetAsync($"/pay/share/{shareToken}/no-such-page")).StatusCode);

        // A row the code cannot read (its stored cart is not JSON): the organizer's page answers 500.
        var failing = await TestPurchases.CreateAsync(service.Client());
        var failingToken = TestPurchases.OrganizerToken(failing);
        var purchases = new TableServiceClient(azurite.ConnectionString).GetTableClient("Purchases");
        var row = (await purchases.GetEntityAsync<PurchaseEntity>(failing.GetProperty("id").GetString(), PurchaseEntity.Row)).Value;
        row.CartJson = "{not json";
        await purchases.UpdateEntityAsync(row, row.ETag);
        await (await page.GetAsync($"/api/checkout/{failingToken}")).AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");

        await azurite.StopAsync();
        await (await page.GetAsync($"/api/checkout/{organizerToken}")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        await (await PayAsync(page, shareToken)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "storage_unavailable");

        string[] secrets = [organizerToken, shareToken, failingToken, TestService.MerchantKey, CardNumber];
        var everything = capture.Everything().ToList();
        Assert.Contains(everything, e => e.Text.Contains("Unhandled error", StringComparison.Ordinal));
        Assert.Contains(everything, e => e.Text.Contains("Storage unavailable", StringComparison.Ordinal));
        Assert.Contains(capture.Spans, s => s.DisplayName.Contains("{", StringComparison.Ordinal));
        Assert.NotEmpty(capture.MetricTags);
        foreach (var (where, text) in everything)
            Assert.False(secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal)), $"{where}: {text}");
    }
}
