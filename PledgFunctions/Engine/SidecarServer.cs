using System.Net;
using System.Net.Sockets;
using DurableTask.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Engine;

/// <summary>The Durable Task sidecar of the standalone host: the gRPC service the Functions host
/// would offer the isolated worker (TaskHubGrpcServer), here served on a loopback h2c port of a
/// small web host of its own, with the Azure Storage provider behind it. The worker and client in
/// the main app connect to it exactly as they connect to the host. Its own host, because Kestrel
/// listeners configured in code would replace the app's <c>--urls</c>.</summary>
public sealed class SidecarServer(EngineStorage engine, StorageHealth health, ILoggerFactory loggers, ILogger<SidecarServer> logger, int port)
    : IHostedService, IEngineReadiness, IAsyncDisposable
{
    private WebApplication? _sidecar;
    private Task _starting = Task.CompletedTask;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SidecarLifetime _lifetime = new();

    public int Port => port;

    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Requests that reach the engine wait here (briefly, at start-up only).</summary>
    public Task WaitAsync(CancellationToken ct) => _ready.Task.WaitAsync(ReadyWithin, ct);

    /// <summary>Past this the request answers 503 (a TimeoutException is "storage unavailable"):
    /// the sidecar waits for storage, so it is not up while storage is down.</summary>
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(10);

    /// <summary>How long a stop waits for the provider to release its leases.</summary>
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(15);

    public string Address => $"http://127.0.0.1:{Port}";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Starts once the task hub exists (StorageInitializer creates it with the app's tables),
        // so the service comes up and answers 503 while storage is down instead of failing to start.
        _starting = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        if (!await health.TryWaitUntilInitializedAsync(ct)) return;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        // Ctrl+C and SIGTERM are the app host's to handle: it stops the sidecar (StopAsync, after the
        // worker). A console lifetime here would also log a second "Application started/is shutting down".
        builder.Services.AddSingleton<IHostLifetime>(_lifetime);
        // As the host's URLs, not a Listen in code: this host sees the app's ASPNETCORE_URLS too (dotnet
        // run's launch profile sets it), and Kestrel warns when code overrides it.
        builder.WebHost.UseUrls(Address);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(engine.Service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(engine.Service);
        // Its own lifetime, not the web host's: the sidecar stops its dispatchers from
        // ApplicationStopping in an async void handler, and the provider's StopAsync throws when it
        // never started (no worker connected yet), which would crash the process. We stop the
        // provider ourselves in StopAsync instead.
        builder.Services.AddSingleton(sp => new TaskHubGrpcServer(_lifetime, loggers, engine.Service, engine.Service,
            Microsoft.Extensions.Options.Options.Create(new TaskHubGrpcServerOptions())));
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(ct);
        _sidecar = app;
        _lifetime.NotifyStarted();
        _ready.TrySetResult();
        logger.LogInformation("Durable Task engine: task hub {TaskHub} on Azure Storage, sidecar on {Address}", engine.TaskHubName, Address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try { await _starting; } catch (OperationCanceledException) { }
        if (_sidecar is null) return;
        try
        {
            // Releases the partition leases, so another process takes over without waiting for them
            // to expire. Forced: the worker has already stopped (it was registered after us), so the
            // work items it held will never complete here and a graceful stop would wait for them
            // (up to the provider's 10 minutes). Aborted sessions are redelivered to whoever takes
            // the partition, which is the at-least-once delivery the activities are written for.
            await engine.Service.StopAsync(isForced: true).WaitAsync(StopWithin, cancellationToken);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException)
        {
            logger.LogDebug("The engine's provider had not started (no worker connected yet): nothing to stop");
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The leases then expire on their own (the provider's lease interval) and another process takes over.
            logger.LogWarning("The engine did not release its partition leases within {Seconds} s; they expire on their own", StopWithin.TotalSeconds);
        }
        await _sidecar.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null) await _sidecar.DisposeAsync();
        _stopping.Dispose();
    }

    public static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

/// <summary>Started when the sidecar listens; never "stopping" (see <see cref="SidecarServer.StopAsync"/>);
/// deaf to the process's signals, which the app's own host handles.</summary>
internal sealed class SidecarLifetime : IHostApplicationLifetime, IHostLifetime
{
    private readonly CancellationTokenSource _started = new();

    public CancellationToken ApplicationStarted => _started.Token;

    public CancellationToken ApplicationStopping => CancellationToken.None;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void NotifyStarted() => _started.Cancel();

    public void StopApplication() { }

    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
