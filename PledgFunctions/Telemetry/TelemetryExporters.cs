namespace PledgFunctions.Telemetry;

/// <summary>Where traces and metrics go, decided from configuration (environment variables
/// included): OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the OpenTelemetry convention,
/// e.g. a local collector or the Aspire dashboard), Application Insights when its connection string
/// is set; both, one or neither.</summary>
public sealed record TelemetryExporters(bool Otlp, string? AzureMonitorConnectionString)
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static TelemetryExporters From(IConfiguration configuration) => new(
        configuration[OtlpEndpointKey] is { Length: > 0 },
        configuration[TelemetrySetup.ConnectionStringKey] is { Length: > 0 } cs ? cs : null);
}
