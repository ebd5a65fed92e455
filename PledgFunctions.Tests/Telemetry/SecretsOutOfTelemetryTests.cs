using System.Text.Json;
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
    private static string Email(JsonElement pledge, int share) => pledge.GetProperty("shares")[share].GetProperty("email").GetString()!;

    private const string CardNumber = "4242424242424242";

    [Fact]
    public async Task NoTokenKeyOrCardNumberReachesAnyLogLineSpanOrMetric()
    {
        using var capture = new TelemetryCapture();
        await using var azurite = await Azurite.StartNewAsync();
        // Emails carry page links: none of their bodies may reach a log either, a refused one's included.
        await using var smtp = await SmtpSink.StartNewAsync();
        await using var service = await TestService.StartAsync(azurite,
            s =>
            {
                foreach (var (key, value) in smtp.Settings()) s[key] = value;
                s["Pledg:Email:Enabled"] = "true";
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
        var pledgers = Pledgers(2);
        var refused = JsonSerializer.SerializeToElement(pledgers[1]).GetProperty("email").GetString()!;
        smtp.RejectPermanently(refused);
        var pledge = await (await PledgeAsync(page, organizerToken, pledgers)).AssertOkAsync();
        var shareToken = ShareToken(pledge, 1);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync($"/pay/share/{shareToken}")).StatusCode);
        await (await PayAsync(page, shareToken)).AssertOkAsync();
        var mail = await smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == Email(pledge, 1)), TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => Task.FromResult(capture.Logs.Any(l => l.Text.Contains("refused for good", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), "the refused message logged");
        var bodyLines = mail.TextBody!.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Length > 20).ToArray();
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

        string[] secrets = [organizerToken, shareToken, failingToken, TestService.MerchantKey, CardNumber, mail.Subject!, .. bodyLines];
        var everything = capture.Everything().ToList();
        Assert.Contains(everything, e => e.Text.Contains("Unhandled error", StringComparison.Ordinal));
        Assert.Contains(everything, e => e.Text.Contains("Storage unavailable", StringComparison.Ordinal));
        Assert.Contains(capture.Spans, s => s.DisplayName.Contains("{", StringComparison.Ordinal));
        Assert.NotEmpty(capture.MetricTags);
        foreach (var (where, text) in everything)
            Assert.False(secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal)), $"{where}: {text}");
    }
}
