using System.Diagnostics;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>The built app (this project's output holds it: host.json, functions.metadata,
/// worker.config.json, .azurefunctions/) under the real Functions host, in Production, over a
/// given Azurite. Its console is discarded; a start that does not answer within two minutes throws.</summary>
public sealed class FunctionsHostService : IAsyncDisposable
{
    private readonly Process _process;

    private FunctionsHostService(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<FunctionsHostService> StartAsync(FunctionsHostCommand host, Azurite azurite, IDictionary<string, string> settings)
    {
        var port = FreePorts.Next();
        var start = host.StartInfo(AppContext.BaseDirectory, port);
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        start.Environment["Pledg__RateLimits__ClientAddressHeader"] = "X-Forwarded-For";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["TMPDIR"] = Directory.CreateTempSubdirectory("pledg-bench-host-").FullName;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new FunctionsHostService(process, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the Functions host exited with {process.ExitCode}");
            try
            {
                if ((await probe.GetAsync("/api/health")).IsSuccessStatusCode) return service;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                await service.DisposeAsync();
                throw new TimeoutException("the Functions host did not answer /api/health within 2 min");
            }
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
