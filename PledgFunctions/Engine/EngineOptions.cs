using PledgFunctions.Storage;

namespace PledgFunctions.Engine;

/// <summary><c>Pledg:Engine</c>: how the standalone host runs the Durable Task engine. Under the
/// Functions host the same knobs live in host.json (<c>extensions.durableTask</c>).</summary>
public sealed class EngineOptions
{
    public const string Section = "Pledg:Engine";

    /// <summary>The task hub: its tables, queues and lease blobs are prefixed with this name.</summary>
    public string TaskHubName { get; set; } = "PledgHub";

    /// <summary>The configuration name of the task hub's storage account (a connection string, or
    /// <c>NAME__accountName</c> / <c>NAME__queueServiceUri</c>... for identity-based access), as
    /// host.json's <c>storageProvider.connectionName</c>. Defaults to the app's own account.</summary>
    public string Connection { get; set; } = StorageClients.ConnectionKey;

    /// <summary>Control-queue partitions of a new hub; several processes on one hub share them
    /// through leases. One by default: the standalone host is one process per hub (a laptop, CI), and
    /// every partition is a queue it polls (measured: 2.2 idle calls/s against 5.5, creates at
    /// concurrency 16 faster, lifecycles and deadlines within this machine's noise of 4's, docs/benchmarks.md). Set more before a hub is first created to
    /// spread it over several processes; an existing hub keeps the count it was created with
    /// (<see cref="EngineStorage"/>). Under the Functions host, host.json's <c>partitionCount</c> (4).</summary>
    public int PartitionCount { get; set; } = 1;

    /// <summary>The provider's default (30 s) makes timers and events up to 30 s late; 1 s keeps a
    /// deadline's FAILED within about a second, at the cost of idle polls (see docs/lifecycle.md).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Stable per process: a restarted process with the same id takes its partition leases
    /// back at once instead of waiting for them to expire. Defaults to the machine name.</summary>
    public string? WorkerId { get; set; }

    /// <summary>How long a dequeued orchestration or activity message stays hidden from other
    /// workers. The provider renews it while the work runs; after a kill -9 it is what delays the
    /// work the dead process had in hand (the provider's default is 5 minutes).</summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Orchestration episodes this process runs at once: the provider's default, 100. Each
    /// is a few sequential storage calls queued on the one account with the requests' own. Measured
    /// at 32 (docs/benchmarks.md): a create's p99 under load went down, but 200 deadlines due within
    /// 2 s were failed with a p99 lateness of 4.9 s against 2.3 s at 100, so the default stays.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 100;

    /// <summary>Activities this process runs at once: the provider's default, 10.</summary>
    public int MaxConcurrentActivities { get; set; } = 10;

    /// <summary>Loopback port of the in-process gRPC sidecar; 0 picks a free one.</summary>
    public int SidecarPort { get; set; }
}
