using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PledgFunctions.Telemetry;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Telemetry;

/// <summary>The console a developer reads: one line per request with method, route template,
/// status and milliseconds.</summary>
public sealed class RequestLogTests
{
    [Fact]
    public async Task EachRequestLogsOneLineWithMethodRouteTemplateStatusAndMilliseconds()
    {
        using var capture = new TelemetryCapture();
        await using var azurite = await Azurite.StartNewAsync();
        await using var service = await TestService.StartAsync(azurite,
            s => s[$"Logging:LogLevel:{RequestLog.Category}"] = "Information",
            s => s.AddSingleton<ILoggerProvider>(capture));

        var purchase = await TestPurchases.CreateAsync(service.Client());
        var token = TestPurchases.OrganizerToken(purchase);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client().GetAsync("/api/purchases/pur_missing")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client(null).GetAsync($"/api/checkout/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client(null).GetAsync($"/pay/share/{token}/nothing-here")).StatusCode);

        var lines = await Eventually.ReturnsAsync(
            () => Task.FromResult(capture.Logs.Where(l => l.Category == RequestLog.Category).Select(l => l.Text.Split(" | ")[0]).ToList()),
            l => l.Count >= 4, TimeSpan.FromSeconds(10), "four request lines");
        Assert.Equal(4, lines.Count);
        Assert.Matches(new Regex(@"^POST /api/purchases 201 \d+ ms$"), lines[0]);
        Assert.Matches(new Regex(@"^GET /api/purchases/\{id\} 404 \d+ ms$"), lines[1]);
        Assert.Matches(new Regex(@"^GET /api/checkout/\{organizerToken\} 200 \d+ ms$"), lines[2]);
        Assert.Matches(new Regex(@"^GET /pay/share/\{token\}/nothing-here 404 \d+ ms$"), lines[3]);
    }
}
