using System.Diagnostics;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>The service as a real OS process (the built PledgFunctions.dll), so a test can kill it
/// with SIGKILL mid-flight and start another over the same storage.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary><paramref name="environment"/> is set verbatim.</summary>
    public static async Task<ServiceProcess> StartAsync(Azurite azurite, IDictionary<string, string?>? settings = null,
        IDictionary<string, string?>? environment = null)
    {
        var port = FreePorts.Next();
        var dll = Path.Combine(AppContext.BaseDirectory, "PledgFunctions.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args = [dll, "--urls", $"http://127.0.0.1:{port}", "--environment", "Testing"];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var values = TestService.DefaultSettings(azurite);
        foreach (var (key, setting) in settings ?? new Dictionary<string, string?>()) values[key] = setting;
        foreach (var (key, setting) in values) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = setting;
        foreach (var (key, variable) in environment ?? new Dictionary<string, string?>()) start.Environment[key] = variable;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var client = service.Client(null);
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"service process exited with {process.ExitCode}");
            try { return (await client.GetAsync("/api/health")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(60), "service process healthy");
        return service;
    }

    public HttpClient Client(string? apiKey = TestService.MerchantKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, exactly like a crashed host.</summary>
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
    }
}
