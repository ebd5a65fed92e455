using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Faults;

/// <summary>The service as a real process (the PledgFunctions.dll next to the running assembly) over
/// a given Azurite, killable with SIGKILL. Keeps the last lines it printed, for a violation report.</summary>
public sealed class ServiceUnderTest : IAsyncDisposable
{
    public const string MerchantKey = "sk_faults_merchant_a_0123456789abcdef";
    public const string OtherMerchantKey = "sk_faults_merchant_b_0123456789abcdef";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly SocketsHttpHandler _handler = new()
    {
        MaxConnectionsPerServer = 2048,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        // Lets the bad-input phase send header bytes outside ASCII, as a hostile client can.
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    };

    private ServiceUnderTest(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public PledgClient Client => new(Http, MerchantKey);
    public bool HasExited => _process.HasExited;
    public string RecentOutput => string.Join('\n', _output);

    public static Dictionary<string, string?> Settings(Azurite azurite) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Pledg:BootstrapMerchants:0:Name"] = "Fault Shop A",
        ["Pledg:BootstrapMerchants:0:ApiKey"] = MerchantKey,
        ["Pledg:BootstrapMerchants:0:WebhookSecret"] = "whsec_faults_merchant_a_0123456789",
        ["Pledg:BootstrapMerchants:1:Name"] = "Fault Shop B",
        ["Pledg:BootstrapMerchants:1:ApiKey"] = OtherMerchantKey,
        ["Pledg:BootstrapMerchants:1:WebhookSecret"] = "whsec_faults_merchant_b_0123456789",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static async Task<ServiceUnderTest> StartAsync(IDictionary<string, string?> settings, CancellationToken ct)
    {
        var port = FreePorts.Next();
        var dll = Path.Combine(AppContext.BaseDirectory, "PledgFunctions.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--environment", "Testing" }) start.ArgumentList.Add(arg);
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var service = new ServiceUnderTest(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"service exited with {process.ExitCode}:\n{service.RecentOutput}");
            var health = await service.Client.HealthAsync(ct);
            if (health.Status == (int)HttpStatusCode.OK) return service;
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                await service.DisposeAsync();
                throw new TimeoutException($"service not healthy within 60 s: {health}\n{service.RecentOutput}");
            }
            await Task.Delay(50, ct);
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 100) _output.TryDequeue(out _);
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
        Http.Dispose();
        _handler.Dispose();
        _process.Dispose();
    }
}
