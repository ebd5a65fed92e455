using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace PledgFunctions.Tests.Telemetry;

/// <summary>Every log line (message, structured values, exception), span and metric tag the service
/// produces while a test runs, as text, so a test can assert what never appears in any of them.</summary>
public sealed class TelemetryCapture : ILoggerProvider, IDisposable
{
    private readonly MeterListener _meters = new();

    public TelemetryCapture()
    {
        _meters.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
        _meters.SetMeasurementEventCallback<long>((i, _, tags, _) => Record(i, tags));
        _meters.SetMeasurementEventCallback<int>((i, _, tags, _) => Record(i, tags));
        _meters.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
        _meters.Start();
    }

    public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Logs { get; } = new();
    public ConcurrentQueue<Activity> Spans { get; } = new();
    public ConcurrentQueue<string> MetricTags { get; } = new();

    public BaseExporter<Activity> SpanExporter => new Exporter(Spans);

    /// <summary>Everything captured, one entry per line/span attribute/metric tag, labelled by where it came from.</summary>
    public IEnumerable<(string Where, string Text)> Everything() =>
        Logs.Select(l => ($"log {l.Level} {l.Category}", l.Text))
            .Concat(Spans.SelectMany(s => s.TagObjects.Select(t => ($"span '{s.DisplayName}' {t.Key}", t.Value?.ToString() ?? ""))
                .Append(($"span name ({s.Source.Name})", s.DisplayName))
                .Concat(s.Events.Select(e => ($"span event '{s.DisplayName}'", e.Name + " " + string.Join(" ", e.Tags.Select(t => $"{t.Key}={t.Value}")))))))
            .Concat(MetricTags.Select(t => ("metric", t)));

    private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags) MetricTags.Enqueue($"{instrument.Meter.Name}/{instrument.Name} {tag.Key}={tag.Value}");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Logs);

    public void Dispose() => _meters.Dispose();

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            logs.Enqueue((category, LogLevel.None, "scope: " + state));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            logs.Enqueue((category, logLevel, $"{formatter(state, exception)} | {values} | {exception}"));
        }
    }

    private sealed class Exporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch) spans.Enqueue(activity);
            return ExportResult.Success;
        }
    }
}
