using System.Collections.Concurrent;
using System.Diagnostics;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>Records the URLs of HTTP requests sent to one storage port (through .NET's HttpClient
/// diagnostics), to assert what a request did to storage: Azurite answers a filtered scan in one
/// page however many rows it examined, so counting pages alone cannot show a scan.</summary>
public sealed class StorageRequests : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly int _port;
    private readonly ConcurrentQueue<Uri> _uris = new();
    private readonly List<IDisposable> _subscriptions = [];

    private StorageRequests(int port) => _port = port;

    public IReadOnlyList<Uri> Uris => _uris.ToArray();

    public static StorageRequests Record(int port)
    {
        var recorder = new StorageRequests(port);
        lock (recorder._subscriptions) recorder._subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(recorder));
        return recorder;
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "HttpHandlerDiagnosticListener")
            lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (e.Key != "System.Net.Http.HttpRequestOut.Start") return;
        if (e.Value?.GetType().GetProperty("Request")?.GetValue(e.Value) is HttpRequestMessage { RequestUri: { } uri } && uri.Port == _port)
            _uris.Enqueue(uri);
    }

    public void OnCompleted() { }

    public void OnError(Exception error) { }

    public void Dispose()
    {
        lock (_subscriptions) _subscriptions.ForEach(s => s.Dispose());
    }
}
