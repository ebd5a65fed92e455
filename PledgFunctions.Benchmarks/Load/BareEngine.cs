using System.Net;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PledgFunctions.Engine;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>A standalone engine of the same kind as the service's (EngineStorage with the same
/// EngineOptions defaults: 1 partition, 1 s MaxQueuePollingInterval, 30 s visibility; the same
/// TaskHubGrpcServer sidecar on a loopback h2c port; the same gRPC worker and client), on a task
/// hub of its own in the same Azurite, running only <see cref="BareLifecycle"/>. Its
/// EngineOperationCounter counts what the engine alone costs.</summary>
public sealed class BareEngine : IAsyncDisposable
{
    private readonly WebApplication _sidecar;
    private readonly IHost _worker;

    private BareEngine(WebApplication sidecar, IHost worker, EngineOperationCounter counter)
    {
        _sidecar = sidecar;
        _worker = worker;
        Counter = counter;
    }

    public EngineOperationCounter Counter { get; }

    public DurableTaskClient Client => _worker.Services.GetRequiredService<DurableTaskClient>();

    public static async Task<BareEngine> StartAsync(string connectionString, string taskHub)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString }).Build();
        var counter = new EngineOperationCounter();
        var storage = new EngineStorage(configuration, Microsoft.Extensions.Options.Options.Create(new EngineOptions { TaskHubName = taskHub, WorkerId = $"bench-{taskHub}" }),
            counter, NullLoggerFactory.Instance);
        await storage.CreateIfNotExistsAsync();

        var port = SidecarServer.FreeLoopbackPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(storage.Service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(storage.Service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync();

        var address = $"http://127.0.0.1:{port}";
        var host = Host.CreateApplicationBuilder();
        host.Logging.ClearProviders();
        host.Services.AddDurableTaskWorker(worker =>
        {
            // The sidecar sends no health pings: with the default silent-disconnect detection the
            // worker reconnects after 120 s without work, and the sidecar (one worker stream at a
            // time) can keep refusing the new stream while it still holds the old one, which left
            // orchestrations stalled in the benchmarks. On loopback in-process there is no silent
            // network to detect.
            worker.UseGrpc(grpc =>
            {
                grpc.Address = address;
                grpc.SetSilentDisconnectTimeout(TimeSpan.Zero);
            });
            worker.AddTasks(tasks =>
            {
                tasks.AddOrchestrator<BareLifecycle>();
                tasks.AddActivity<BareStep>();
            });
        });
        host.Services.AddDurableTaskClient(client => client.UseGrpc(address));
        var worker = host.Build();
        await worker.StartAsync();
        return new BareEngine(sidecar, worker, counter);
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await _sidecar.StopAsync();
        await _sidecar.DisposeAsync();
    }
}
