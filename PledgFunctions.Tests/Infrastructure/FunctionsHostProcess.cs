using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>The built app (this test project's output holds it whole: host.json, functions.metadata,
/// worker.config.json, .azurefunctions/) run by the real Azure Functions host as a process of its
/// own, over a given Azurite: the host's HTTP pipeline, its Durable extension running the
/// orchestrations, its worker process running our code. A test can kill the host, or the worker
/// alone, with SIGKILL. The host's console goes to <see cref="LogPath"/>.</summary>
public sealed class FunctionsHostProcess : IServiceUnderTest, IAsyncDisposable
{
    private readonly Process _process;
    private readonly ServiceProvider _storage;
    private readonly StreamWriter _log;

    private readonly string _state;

    private FunctionsHostProcess(Process process, Uri baseAddress, ServiceProvider storage, StreamWriter log, string logPath)
    {
        _state = Path.GetDirectoryName(logPath)!;
        _process = process;
        BaseAddress = baseAddress;
        _storage = storage;
        _log = log;
        LogPath = logPath;
    }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _storage;
    public string LogPath { get; }
    public int HostPid => _process.Id;

    /// <summary><paramref name="settings"/> are app settings (<c>Pledg:X</c> spelled as configuration
    /// keys; they become <c>Pledg__X</c> variables, as local.settings.json Values do).
    /// <paramref name="environment"/> defaults to Development, what <c>func start</c> sets.</summary>
    public static async Task<FunctionsHostProcess> StartAsync(FunctionsHostCommand host, Azurite azurite,
        IDictionary<string, string?>? settings = null, string environment = "Development", string? appDirectory = null)
    {
        // Another process may still bind the port between our pick and the host's; a new port then.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(host, azurite, settings, environment, appDirectory);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<FunctionsHostProcess> StartOnceAsync(FunctionsHostCommand host, Azurite azurite,
        IDictionary<string, string?>? settings, string environment, string? appDirectory)
    {
        var port = FreePorts.Next();
        var start = host.StartInfo(appDirectory ?? AppContext.BaseDirectory, port);
        var values = TestService.DefaultSettings(azurite);
        values["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        // As local.settings.sample.json: behind the host every request comes from the host's address.
        values["Pledg:RateLimits:ClientAddressHeader"] = "X-Forwarded-For";
        foreach (var (key, setting) in settings ?? new Dictionary<string, string?>()) values[key] = setting;
        foreach (var (key, setting) in values)
        {
            // A null setting is one the test leaves out, inherited or not.
            var variable = key.Replace(":", "__", StringComparison.Ordinal);
            if (setting is null) start.Environment.Remove(variable);
            else start.Environment[variable] = setting;
        }
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = environment;
        // Each host its own state folder (keys, logs), whatever else runs on the machine.
        var state = Directory.CreateTempSubdirectory("pledg-functions-host-").FullName;
        start.Environment["TMPDIR"] = state;

        var logPath = Path.Combine(state, "host.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new FunctionsHostProcess(process, new Uri($"http://127.0.0.1:{port}"), StorageView.Over(azurite.ConnectionString), log, logPath);
        try
        {
            await service.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var client = Client(null);
        client.Timeout = TimeSpan.FromSeconds(5);
        await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"the Functions host exited with {_process.ExitCode}:\n{Tail()}");
            // The host keeps restarting a worker that crashes at start; its reason is in the log.
            var log = Log();
            if (log.Contains("Exceeded language worker restart retry count", StringComparison.Ordinal))
            {
                // The worker's reason reaches the console only once the host has recycled and started it again.
                for (var waited = 0; waited < 120 && !WorkerCrashes(log).Any(); waited++, log = Log()) await Task.Delay(500);
                throw new InvalidOperationException($"the worker keeps crashing under the Functions host: {string.Join("; ", WorkerCrashes(log))}\n{Tail()}");
            }
            // The host retries a failed start forever; three in a row is a configuration error, not a slow disk.
            if (log.Split("A host error has occurred during startup").Length > 3)
                throw new InvalidOperationException($"the Functions host keeps failing to start:\n{Tail()}");
            try { return (await client.GetAsync("/api/health")).IsSuccessStatusCode; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
        }, timeout, $"Functions host healthy (log: {LogPath})");
    }

    public HttpClient Client(string? apiKey = TestService.MerchantKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    /// <summary>The host's console so far, its last lines.</summary>
    public string Tail(int lines = 60)
    {
        lock (_log)
        {
            using var read = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return string.Join('\n', new StreamReader(read).ReadToEnd().Split('\n').TakeLast(lines));
        }
    }

    /// <summary>Why the worker died, as it said on its way out.</summary>
    private static IEnumerable<string> WorkerCrashes(string log) =>
        log.Split('\n').Where(l => l.Contains("Unhandled exception.", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct();

    /// <summary>The whole console so far.</summary>
    public string Log()
    {
        lock (_log)
        {
            using var read = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(read).ReadToEnd();
        }
    }

    /// <summary>The host's master key (admin API), from the secrets file it wrote in its state folder.</summary>
    public string MasterKey()
    {
        var secrets = Directory.GetFiles(_state, "host.json", SearchOption.AllDirectories).Single(f => Path.GetFileName(Path.GetDirectoryName(f)) == "secrets");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(secrets));
        return document.RootElement.GetProperty("masterKey").GetProperty("value").GetString()!;
    }

    /// <summary>The isolated worker the host started (the dotnet process running PledgFunctions.dll).</summary>
    public int? WorkerPid() => ProcessTree.Descendants(_process.Id)
        .FirstOrDefault(pid => ProcessTree.CommandLine(pid).Contains("PledgFunctions.dll", StringComparison.Ordinal)) is var pid and > 0 ? pid : null;

    /// <summary>SIGKILL of the worker alone: the host sees its worker die and starts another.</summary>
    public async Task KillWorkerAsync()
    {
        var pid = WorkerPid() ?? throw new InvalidOperationException("no worker process under the host");
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
            await worker.WaitForExitAsync();
        }
    }

    /// <summary>SIGKILL of the host and its worker: no shutdown, no lease released, like a crashed machine.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        await _storage.DisposeAsync();
        lock (_log) _log.Dispose();
    }
}

/// <summary>Linux /proc: a process's children and command line.</summary>
internal static class ProcessTree
{
    public static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1]);
            }
            catch (IOException) { }
        }
        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var parent))
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        return found;
    }

    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }
}
