using Microsoft.DurableTask.Client;

namespace PledgFunctions.Lifecycle;

/// <summary>Where the Durable Task client comes from: dependency injection in the standalone host,
/// the <c>[DurableClient]</c> binding of the running function under the Functions host.</summary>
public interface IDurableClientSource
{
    DurableTaskClient Client { get; }
}

/// <summary>The standalone host's client, connected to the in-process sidecar.</summary>
public sealed class InjectedDurableClient(DurableTaskClient client) : IDurableClientSource
{
    public DurableTaskClient Client => client;
}
