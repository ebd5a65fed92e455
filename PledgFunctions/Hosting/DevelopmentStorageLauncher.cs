using System.Diagnostics;
using System.Net.Sockets;
using PledgFunctions.Storage;

namespace PledgFunctions.Hosting;

/// <summary>Makes <c>dotnet run</c> a one-command start: when the storage connection is
/// <c>UseDevelopmentStorage=true</c> and nothing answers on Azurite's ports, starts Azurite from
/// the repository's <c>node_modules</c> (data in the git-ignored <c>.azurite/</c>) and stops it
/// with the service.</summary>
internal sealed class DevelopmentStorageLauncher(StorageClients storage, ILogger<DevelopmentStorageLauncher> logger) : IHostedService
{
    private static readonly int[] Ports = [10000, 10001, 10002];
    private Process? _azurite;

    public async Task StartAsync(CancellationToken ct)
    {
        if (!storage.IsDevelopmentStorage || await AnswersAsync(10002, ct)) return;
        var root = FindRepositoryRoot();
        var script = root is null ? null : Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (script is null || !File.Exists(script))
        {
            logger.LogError("Storage is UseDevelopmentStorage=true but Azurite is not running and node_modules/azurite was not found; run 'npm ci' in the repository root");
            return;
        }
        // Stdin stays open to us: the preload makes Azurite exit when this process dies, even by SIGKILL.
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--require", Path.Combine(root!, "tools", "exit-with-parent.cjs"),
                     "--require", Path.Combine(root!, "tools", "azurite-indexed-storage.cjs"), script,
                     "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--location", Path.Combine(root!, ".azurite"),
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1" })
            start.ArgumentList.Add(arg);
        _azurite = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        _azurite.OutputDataReceived += (_, e) => { if (e.Data is not null) logger.LogDebug("azurite: {Line}", e.Data); };
        _azurite.ErrorDataReceived += (_, e) => { if (e.Data is not null) logger.LogWarning("azurite: {Line}", e.Data); };
        _azurite.BeginOutputReadLine();
        _azurite.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!_azurite.HasExited && !timeout.IsCancellationRequested)
        {
            if (await AnswersAsync(10001, ct) && await AnswersAsync(10002, ct))
            {
                logger.LogInformation("Started Azurite (pid {Pid}) with data in {Location}", _azurite.Id, Path.Combine(root!, ".azurite"));
                return;
            }
            await Task.Delay(100, ct);
        }
        logger.LogError("Azurite did not open ports {Ports} within 30 s", string.Join(", ", Ports));
    }

    public Task StopAsync(CancellationToken ct)
    {
        if (_azurite is { HasExited: false })
        {
            logger.LogInformation("Stopping Azurite (pid {Pid})", _azurite.Id);
            _azurite.Kill(entireProcessTree: true);
        }
        return Task.CompletedTask;
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The folder holding package.json: above the build output for <c>dotnet run</c>, or the working directory.</summary>
    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) && Directory.Exists(Path.Combine(dir.FullName, "node_modules")))
                    return dir.FullName;
        }
        return null;
    }
}
