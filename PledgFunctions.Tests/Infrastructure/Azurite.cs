using System.Diagnostics;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>A real Azurite (Table + Queue + Blob) from the repository's node_modules, on free
/// loopback ports, in memory (or on disk in a temporary folder, so that a restart keeps the data as
/// a real storage account does through an outage). Can be stopped and started again on the same
/// ports to simulate an outage. Each service runs in a Node.js process of its own, as
/// <c>dotnet run</c> starts them (<c>DevelopmentStorageLauncher</c>); <c>oneProcess</c> starts
/// Azurite whole, on one thread, for the benchmarks' comparison.</summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly List<Process> _processes = [];
    private readonly Dictionary<Process, System.Text.StringBuilder> _errors = [];
    private readonly bool _oneProcess;
    private readonly string? _location;

    private Azurite(bool onDisk, bool oneProcess)
    {
        _location = onDisk ? Directory.CreateTempSubdirectory("pledg-azurite-").FullName : null;
        _oneProcess = oneProcess;
    }

    public int BlobPort { get; } = FreePorts.Next();
    public int QueuePort { get; } = FreePorts.Next();
    public int TablePort { get; } = FreePorts.Next();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Another process may take a port between picking it free and Azurite binding it
    /// (Azurite then exits at once): try fresh ports a few times.</summary>
    public static async Task<Azurite> StartNewAsync(bool onDisk = false, bool oneProcess = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var azurite = new Azurite(onDisk, oneProcess);
            try
            {
                await azurite.StartAsync();
                return azurite;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await azurite.DisposeAsync();
            }
        }
    }

    public async Task StartAsync()
    {
        if (!File.Exists(RepositoryPaths.AzuriteScript))
            throw new InvalidOperationException($"Azurite not found at {RepositoryPaths.AzuriteScript}: run 'npm ci' in the repository root.");
        string[] persistence = _location is null ? ["--inMemoryPersistence"] : ["--location", _location];
        string[] common = [.. persistence, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"];
        if (_oneProcess)
            Launch(RepositoryPaths.AzuriteScript, [.. common,
                "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                "--blobPort", BlobPort.ToString(), "--queuePort", QueuePort.ToString(), "--tablePort", TablePort.ToString()]);
        else
        {
            var dist = Path.GetDirectoryName(RepositoryPaths.AzuriteScript)!;
            Launch(Path.Combine(dist, "blob", "main.js"), [.. common, "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString()]);
            Launch(Path.Combine(dist, "queue", "main.js"), [.. common, "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString()]);
            Launch(Path.Combine(dist, "table", "main.js"), [.. common, "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString()]);
        }
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } exited)
                throw new InvalidOperationException($"Azurite exited with {exited.ExitCode}: {(_errors.TryGetValue(exited, out var said) ? said.ToString().Trim() : "")}");
            if (await FreePorts.AnswersAsync(TablePort) && await FreePorts.AnswersAsync(QueuePort) && await FreePorts.AnswersAsync(BlobPort)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("Azurite did not open its ports within 90 s.");
    }

    private void Launch(string script, string[] args)
    {
        // Stdin stays open to us: the preload makes Azurite exit when this test process dies.
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     "--require", Path.Combine(RepositoryPaths.Root, "tools", "exit-with-parent.cjs"),
                     "--require", Path.Combine(RepositoryPaths.Root, "tools", "azurite-indexed-storage.cjs"), script,
                 }.Concat(args))
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        // What Azurite says on its way out (a preload patch that no longer fits names itself there).
        var errors = new System.Text.StringBuilder();
        _errors[process] = errors;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    /// <summary>Stops Azurite: storage becomes unreachable at once. In memory it is killed (SIGKILL);
    /// on disk it is asked to stop (SIGTERM), so it saves what it holds, as an account keeps its data
    /// through an outage (a SIGKILL loses what Azurite had not saved yet).</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_processes.Select(StopAsync));
        _processes.Clear();
        _errors.Clear();
    }

    private async Task StopAsync(Process process)
    {
        if (_location is not null && !process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term.WaitForExitAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await process.WaitForExitAsync(patience.Token); } catch (OperationCanceledException) { }
        }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_location is not null) Directory.Delete(_location, recursive: true);
    }
}
