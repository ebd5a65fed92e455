using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using PledgFunctions.Lifecycle;

namespace PledgFunctions.Engine;

/// <summary>Without the Functions host: the real Durable Task engine in this process. The Azure
/// Storage provider (<see cref="EngineStorage"/>) behind the gRPC sidecar (<see cref="SidecarServer"/>),
/// and the Microsoft.DurableTask worker and client connected to it, running the same orchestrator
/// and activity classes the Functions host runs.</summary>
public static class StandaloneEngine
{
    public static IServiceCollection AddStandaloneEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section);
        // The storage provider blocks threads in places (lease renewal, queue polling); on a small
        // machine the pool's slow growth then stalls every request behind it.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        var port = configuration.GetValue<int?>($"{EngineOptions.Section}:SidecarPort") is int fixedPort and > 0 ? fixedPort : SidecarServer.FreeLoopbackPort();
        var address = $"http://127.0.0.1:{port}";
        services.AddSingleton<EngineOperationCounter>();
        services.AddSingleton<EngineStorage>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SidecarServer>(sp, port));
        services.AddSingleton<IEngineReadiness>(sp => sp.GetRequiredService<SidecarServer>());
        services.AddHostedService(sp => sp.GetRequiredService<SidecarServer>());
        services.AddDurableTaskWorker(worker =>
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
            worker.AddTasks(LifecycleServices.AddTasks);
        });
        services.AddDurableTaskClient(client => client.UseGrpc(address));
        services.AddHostedService<HousekeepingSchedule>(); // under the Functions host, timer functions
        services.AddHostedService<StrandedMoneySweepSchedule>(); // likewise
        return services;
    }
}
