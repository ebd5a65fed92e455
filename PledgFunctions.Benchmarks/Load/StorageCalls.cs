using System.Collections.Concurrent;
using System.Diagnostics;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Every request this process sends to one Azurite, by kind (service, what it addresses,
/// verb), seen through .NET's HttpClient diagnostics. The engine's requests name their task hub
/// (queues <c>hub-control-NN</c> and <c>hub-workitems</c>, tables <c>HubHistory</c>/<c>HubInstances</c>/<c>HubPartitions</c>,
/// lease blobs), so each hub's are told apart from the application's; a table batch (<c>$batch</c>)
/// names no table and is left unattributed (the counters give exact totals).</summary>
public sealed class StorageCalls : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public const string Batch = "table $batch (any table)";

    private readonly Azurite _azurite;
    private readonly string[] _hubs;
    private readonly ConcurrentDictionary<(string Owner, string Kind), long> _counts = new();
    private readonly List<IDisposable> _subscriptions = [];

    private StorageCalls(Azurite azurite, string[] hubs)
    {
        _azurite = azurite;
        _hubs = hubs;
    }

    public static StorageCalls Record(Azurite azurite, params string[] hubs)
    {
        var calls = new StorageCalls(azurite, hubs);
        lock (calls._subscriptions) calls._subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(calls));
        return calls;
    }

    /// <summary>Requests so far of one owner (a task hub's name, or "app"), by kind.</summary>
    public Dictionary<string, long> Of(string owner) =>
        _counts.Where(c => c.Key.Owner == owner).ToDictionary(c => c.Key.Kind, c => c.Value);

    public static Dictionary<string, long> Minus(Dictionary<string, long> after, Dictionary<string, long> before) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key)).Where(d => d.Value != 0).ToDictionary();

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "HttpHandlerDiagnosticListener")
            lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (e.Key != "System.Net.Http.HttpRequestOut.Start") return;
        if (e.Value?.GetType().GetProperty("Request")?.GetValue(e.Value) is HttpRequestMessage { RequestUri: { } uri } request
            && Classify(request.Method.Method, uri) is { } key)
            _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    private (string, string)? Classify(string method, Uri uri)
    {
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        var resource = segments.Length > 1 ? Uri.UnescapeDataString(segments[1]) : "";
        var comp = System.Web.HttpUtility.ParseQueryString(uri.Query)["comp"];
        if (uri.Port == _azurite.QueuePort)
        {
            var (owner, name) = Split(resource, '-');
            var verb = segments.Length < 3 ? method + (comp is null ? "" : $" {comp}")
                : method switch { "GET" => "receive", "POST" => "send", "DELETE" => "delete", "PUT" => "update", _ => method };
            return (owner, $"queue {name} {verb}");
        }
        if (uri.Port == _azurite.BlobPort)
        {
            var (owner, name) = Split(resource, '-');
            return (owner, $"blob {name} {method}{(comp is null ? "" : $" {comp}")}");
        }
        if (uri.Port != _azurite.TablePort) return null;
        if (resource == "$batch") return ("any", Batch);
        var table = resource.Split('(')[0];
        var hub = _hubs.FirstOrDefault(h => table.StartsWith(h, StringComparison.OrdinalIgnoreCase) && table.Length > h.Length);
        return hub is null ? ("app", $"table {table} {method}") : (hub, $"table {table[hub.Length..]} {method}");
    }

    private (string Owner, string Name) Split(string resource, char separator)
    {
        var at = resource.IndexOf(separator);
        var prefix = at < 0 ? resource : resource[..at];
        var hub = _hubs.FirstOrDefault(h => h.Equals(prefix, StringComparison.OrdinalIgnoreCase));
        if (hub is null) return ("app", resource);
        var name = resource[(at + 1)..];
        return (hub, name.StartsWith("control-", StringComparison.Ordinal) ? "control-NN" : name);
    }

    public void OnCompleted() { }

    public void OnError(Exception error) { }

    public void Dispose()
    {
        lock (_subscriptions) _subscriptions.ForEach(s => s.Dispose());
    }
}
