using Microsoft.DurableTask.Client;
using PledgFunctions.Lifecycle;

namespace PledgFunctions.Functions;

/// <summary>Under the Functions host, the Durable client is a binding of the function being
/// invoked, not a service: the function hands it over here (one per request scope) before its
/// endpoint runs, and the scoped services that start or signal orchestrations read it through
/// <see cref="IDurableClientSource"/> from the same scope (Functions/FunctionsWorkerApp.cs).</summary>
public sealed class DurableClientAccessor : IDurableClientSource
{
    private DurableTaskClient? _client;

    public DurableTaskClient Client
    {
        get => _client ?? throw new InvalidOperationException(
            "No Durable client for this request: its function needs a [DurableClient] binding passed to FunctionEndpoints.RunAsync.");
        set => _client = value;
    }
}
