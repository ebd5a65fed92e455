using System.Diagnostics;
using PledgFunctions.Storage;

namespace PledgFunctions.Hosting;

/// <summary>Makes <c>dotnet run</c> a one-command start: when the storage connection is
/// <c>UseDevelopmentStorage=true</c>, starts Azurite from the repository's <c>node_modules</c> (data in
/// the git-ignored <c>.azurite/</c>) for each of its services whose port does not answer, and stops it
/// with the service. Blob, Queue and Table each run in a Node.js process of their own: Azurite serves
/// all three on one thread when started whole, and the engine's queue polls then wait behind the
/// table calls of every request (docs/benchmarks.md, "Azurite in three processes").</summary>
internal sealed class DevelopmentStorageLauncher(StorageClients storage, ILogger<DevelopmentStorageLauncher> logger) : IHostedService
{
    private static readonly (string Service, int Port)[] Services = [("blob", 10000), ("queue", 10001), ("table", 10002)];
    private readonly List<Process> _azurite = [];

    public async Task StartAsync(CancellationToken ct)
    {
        if (!storage.IsDevelopmentStorage) return;
        var missing = new List<(string Service, int Port)>();
        foreach (var service in Services)
            if (!await LoopbackPorts.AnswersAsync(service.Port, ct)) missing.Add(service);
        if (missing.Count == 0) return;
        var root = FindRepositoryRoot();
        var dist = root is null ? null : Path.Combine(root, "node_modules", "azurite", "dist", "src");
        if (dist is null || !File.Exists(Path.Combine(dist, "azurite.js")))
        {
            logger.LogError("Storage is UseDevelopmentStorage=true but Azurite is not running and node_modules/azurite was not found; run 'npm ci' in the repository root");
            return;
        }
        var location = Path.Combine(root!, ".azurite");
        foreach (var (service, port) in missing)
            _azurite.Add(Launch(root!, Path.Combine(dist, service, "main.js"), location, service, port));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!_azurite.Any(p => p.HasExited) && !timeout.IsCancellationRequested)
        {
            if (await AllAnswerAsync(missing, ct))
            {
                logger.LogInformation("Started Azurite ({Services}; pids {Pids}) with data in {Location}",
                    string.Join(", ", missing.Select(m => $"{m.Service} on {m.Port}")), string.Join(", ", _azurite.Select(p => p.Id)), location);
                return;
            }
            await Task.Delay(100, ct);
        }
        if (_azurite.FirstOrDefault(p => p.HasExited) is { } exited)
            logger.LogError("Azurite exited with code {Code} before ports {Ports} answered", exited.ExitCode, string.Join(", ", missing.Select(m => m.Port)));
        else
            logger.LogError("Azurite did not open ports {Ports} within 30 s", string.Join(", ", missing.Select(m => m.Port)));
    }

    private Process Launch(string root, string script, string location, string service, int port)
    {
        // Stdin stays open to us: the preload makes Azurite exit when this process dies, even by SIGKILL.
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--require", Path.Combine(root, "tools", "exit-with-parent.cjs"),
                     "--require", Path.Combine(root, "tools", "azurite-indexed-storage.cjs"), script,
                     "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--location", location,
                     $"--{service}Host", "127.0.0.1", $"--{service}Port", port.ToString() })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start node for Azurite's {service} service.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) logger.LogDebug("azurite {Service}: {Line}", service, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logger.LogWarning("azurite {Service}: {Line}", service, e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public Task StopAsync(CancellationToken ct)
    {
        foreach (var process in _azurite.Where(p => !p.HasExited))
        {
            logger.LogInformation("Stopping Azurite (pid {Pid})", process.Id);
            process.Kill(entireProcessTree: true);
        }
        return Task.CompletedTask;
    }

    private static async Task<bool> AllAnswerAsync(IEnumerable<(string Service, int Port)> services, CancellationToken ct)
    {
        foreach (var (_, port) in services)
            if (!await LoopbackPorts.AnswersAsync(port, ct)) return false;
        return true;
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
