using Azure.Data.Tables;
using Azure.Storage.Queues;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Engine;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Where a start-orchestration call's time goes: the same start through the gRPC sidecar
/// (DurableTaskClient, as the service makes it), straight on the Azure Storage provider (DTFx
/// TaskHubClient on the same EngineStorage, no gRPC), and the single raw queue send and table
/// insert it is made of at the least. Sequential, on the service's own engine; the orchestration
/// name is registered nowhere, so each instance fails at its first episode and adds little.</summary>
public static class StartCost
{
    private const string Nothing = "BenchNothing";

    public static async Task RunAsync(double scale, LoadReport report)
    {
        await using var azurite = await Azurite.StartNewAsync();
        await using var service = await InProcessService.StartAsync(azurite, TimeSpan.FromDays(2), "BenchStarts");
        var dtfx = new TaskHubClient(service.Services.GetRequiredService<EngineStorage>().Service);
        var queue = new QueueClient(azurite.ConnectionString, "bench-starts");
        await queue.CreateIfNotExistsAsync();
        var table = new TableClient(azurite.ConnectionString, "BenchStarts");
        await table.CreateIfNotExistsAsync();
        var n = Math.Max(50, (int)(200 * scale));

        Task Sidecar() => service.Durable.ScheduleNewOrchestrationInstanceAsync(Nothing, new StartOrchestrationOptions(InstanceId: $"s_{Guid.NewGuid():N}"));
        Task Direct() => dtfx.CreateOrchestrationInstanceAsync(Nothing, "", $"d_{Guid.NewGuid():N}", null);
        Task Send() => queue.SendMessageAsync("start");
        Task Insert() => table.AddEntityAsync(new TableEntity(Guid.NewGuid().ToString("N"), "start"));
        foreach (var warm in new Func<Task>[] { Sidecar, Direct, Send, Insert })
            for (var i = 0; i < 10; i++) await warm();

        report.Heading($"One start-orchestration call, taken apart ({n} each, sequential, on the service's engine)");
        report.Row("call", "p50 ms", "p95 ms", "p99 ms", "engine calls each (with the instance's first episode and polling)");
        foreach (var (name, call) in new (string, Func<Task>)[]
                 {
                     ("DurableTaskClient.ScheduleNewOrchestrationInstanceAsync (gRPC sidecar → provider)", Sidecar),
                     ("TaskHubClient.CreateOrchestrationInstanceAsync on the same provider (no gRPC)", Direct),
                     ("raw queue send (Azure.Storage.Queues)", Send),
                     ("raw table insert (Azure.Data.Tables)", Insert),
                 })
        {
            var m = await Measurement.RunAsync(name, n, 1, _ => call(), () => service.EngineCounter.Total);
            report.Row(name, CreationLoad.Ms(m.Percentile(0.5)), CreationLoad.Ms(m.Percentile(0.95)), CreationLoad.Ms(m.Percentile(0.99)),
                m.StorageOpsEach.ToString("F2") + (m.Failures > 0 ? $" ({CreationLoad.Errors(m)})" : ""));
        }
    }
}
