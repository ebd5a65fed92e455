using Microsoft.DurableTask.Client;

namespace PledgFunctions.Lifecycle;

/// <summary>Where a handler that starts or signals a purchase's orchestration gets its client.
/// Standalone, the client the in-process engine registers; under the Functions host, the client
/// the function's <c>[DurableClient]</c> binding gave for this invocation. So whatever reads it is
/// scoped (per request, per invocation), never a singleton.</summary>
public interface IDurableClientSource
{
    DurableTaskClient Client { get; }
}

/// <summary>Standalone: the <see cref="DurableTaskClient"/> from dependency injection, resolved
/// when first asked for, so a request that never starts an orchestration never needs one.</summary>
internal sealed class DurableClientFromServices(IServiceProvider services) : IDurableClientSource
{
    public DurableTaskClient Client => services.GetRequiredService<DurableTaskClient>();
}
