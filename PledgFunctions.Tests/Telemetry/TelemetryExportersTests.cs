using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PledgFunctions.Telemetry;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Telemetry;

public sealed class TelemetryExportersTests
{
    private static TelemetryExporters From(params (string Key, string Value)[] settings) =>
        TelemetryExporters.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void OtlpOnlyWhenItsEndpointIsSetAndApplicationInsightsOnlyWithItsConnectionString()
    {
        Assert.Equal(new TelemetryExporters(false, null), From());
        Assert.Equal(new TelemetryExporters(false, null), From(("OTEL_EXPORTER_OTLP_ENDPOINT", ""), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")));
        Assert.Equal(new TelemetryExporters(true, null), From(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")));
        Assert.Equal(new TelemetryExporters(true, "InstrumentationKey=x"),
            From(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), (TelemetrySetup.ConnectionStringKey, "InstrumentationKey=x")));
    }

    [Fact]
    public async Task WithTheEndpointSetTracesAndMetricsReachAnOtlpCollector()
    {
        await using var collector = await Collector.StartAsync();
        await using var azurite = await Azurite.StartNewAsync();
        var service = await TestService.StartAsync(azurite, s =>
        {
            s["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url;
            s["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        });
        await TestPurchases.CreateAsync(service.Client());

        // Stopping the service flushes both providers: no waiting on export intervals.
        await service.DisposeAsync();
        Assert.Contains("/v1/traces", collector.Paths);
        Assert.Contains("/v1/metrics", collector.Paths);
    }

    /// <summary>A stand-in OTLP/HTTP collector: records which signal paths were posted to.</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Collector(WebApplication app, string url, ConcurrentQueue<string> paths)
        {
            _app = app;
            Url = url;
            Paths = paths;
        }

        public string Url { get; }
        public ConcurrentQueue<string> Paths { get; }

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var paths = new ConcurrentQueue<string>();
            app.Run(context =>
            {
                paths.Enqueue(context.Request.Path.Value ?? "");
                return Task.CompletedTask;
            });
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new Collector(app, url, paths);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
