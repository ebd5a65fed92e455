using System.Diagnostics;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PledgFunctions.Storage;

namespace PledgFunctions.Telemetry;

/// <summary>OpenTelemetry traces and metrics: incoming requests (and so every Functions
/// invocation, which arrives as a request carrying the host's <c>traceparent</c>), outgoing
/// HttpClient calls (webhooks), the Azure SDK's storage calls and our meters. Exported over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, nowhere otherwise (tests add their own
/// exporter). The console gets log lines only (one per request, see <see cref="RequestLog"/>), not
/// span dumps.</summary>
public static class TelemetrySetup
{
    public const string ServiceName = "PledgFunctions";
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        // The Azure SDK emits its spans (TableClient.GetEntity, QueueClient.SendMessage, ...) only with this switch.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var exporters = TelemetryExporters.From(builder.Configuration);
        foreach (var (category, minimum) in TelemetryRedaction.PathLoggingCategories) builder.Logging.AddFilter(category, minimum);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.SetSampler(new ParentBasedSampler(new PollingNoiseSampler()))
                    .AddSource("Azure.*")
                    .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpRequest = (activity, _) => TelemetryRedaction.RedactServerSpan(activity))
                    .AddHttpClientInstrumentation(o =>
                    {
                        o.FilterHttpRequestMessage = request => !IsInsideAzureSdkCall() && !IsStorageRequest(request);
                        o.EnrichWithHttpRequestMessage = (activity, _) => TelemetryRedaction.RedactClientSpan(activity);
                    });
                // Endpoint, protocol, headers: the exporter reads the OTEL_EXPORTER_OTLP_* settings itself.
                if (exporters.Otlp) tracing.AddOtlpExporter();
                if (exporters.AzureMonitorConnectionString is { } cs) tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = cs);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter(PledgMetrics.MeterName, StorageOperationCounter.MeterName, "PledgFunctions.Lifecycle", "System.Runtime");
                if (exporters.Otlp) metrics.AddOtlpExporter();
                if (exporters.AzureMonitorConnectionString is { } cs) metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = cs);
            });
        return builder;
    }

    /// <summary>The Azure SDK already makes a client span for each storage call; the HttpClient span
    /// under it would repeat it.</summary>
    private static bool IsInsideAzureSdkCall() =>
        Activity.Current is { } current && (IsAzureSdk(current) || current.Parent is { } parent && IsAzureSdk(parent));

    /// <summary>Every Azure Storage REST call carries x-ms-version. The engine's provider polls its
    /// queues and renews its leases outside any request: its Azure SDK spans are sampled out as
    /// polling noise, and the HttpClient span under a dropped one would stand alone.</summary>
    private static bool IsStorageRequest(HttpRequestMessage request) => request.Headers.Contains("x-ms-version");

    private static bool IsAzureSdk(Activity activity) => activity.Source.Name.StartsWith("Azure.", StringComparison.Ordinal);
}

/// <summary>Drops the Azure SDK spans that start a trace of their own: those are the in-process
/// pollers' receive and query loops (a queue poll every second), which would otherwise be most of
/// the telemetry. The same calls made inside a request or a Functions invocation have a parent and
/// are kept.</summary>
internal sealed class PollingNoiseSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
        IsAzureSdkOperation(parameters.Name) ? new SamplingResult(SamplingDecision.Drop) : new SamplingResult(SamplingDecision.RecordAndSample);

    // Azure SDK operation spans are named "<Client type>.<Method>", e.g. "QueueClient.ReceiveMessages".
    private static bool IsAzureSdkOperation(string name) =>
        name.IndexOf("Client.", StringComparison.Ordinal) is > 0 and var dot && !name.AsSpan(0, dot).Contains(' ');
}
