using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PledgFunctions.Hosting;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Functions;

public sealed class FunctionsHostDetectionTests
{
    /// <summary>What the Functions host 4.x passes its isolated worker (both spellings it sends).</summary>
    private static string[] HostArguments(int port) =>
    [
        "--host", "127.0.0.1", "--port", port.ToString(), "--workerId", "6f0f5c7e", "--requestId", "1b2c",
        "--grpcMaxMessageLength", "2147483647", "--functions-uri", $"http://127.0.0.1:{port}/",
        "--functions-worker-id", "6f0f5c7e", "--functions-request-id", "1b2c", "--functions-grpc-max-message-length", "2147483647",
    ];

    [Fact]
    public void TheHostsWorkerArgumentsMeanTheFunctionsHost() => Assert.True(FunctionsHostDetection.IsFunctionsHost(HostArguments(5000)));

    [Theory]
    [InlineData("--functions-uri", "http://127.0.0.1:5000/")]
    [InlineData("--functions-uri=http://127.0.0.1:5000/")]
    [InlineData("--functions-worker-id", "abc")]
    [InlineData("--host", "127.0.0.1", "--port", "5000", "--workerId", "abc")]
    public void EitherSpellingOfTheWorkerArgumentsIsEnough(params string[] args) => Assert.True(FunctionsHostDetection.IsFunctionsHost(args));

    /// <summary>`dotnet run` arguments, and a bare <c>--port</c> or <c>--host</c>: standalone.
    /// FUNCTIONS_WORKER_RUNTIME is not an argument and is not looked at (local.settings.json has it).</summary>
    [Theory]
    [InlineData]
    [InlineData("--urls", "http://127.0.0.1:7071", "--environment", "Development")]
    [InlineData("--port", "7071")]
    [InlineData("--host", "127.0.0.1", "--port", "7071")]
    public void AnythingElseIsStandalone(params string[] args) => Assert.False(FunctionsHostDetection.IsFunctionsHost(args));

    /// <summary>The built app started with the host's arguments is the isolated worker: it dials the
    /// host's gRPC address and serves nothing on its own. In Development, as `func start` runs it: the
    /// host builder then validates scopes and builds every service first, so a singleton holding a
    /// per-invocation service makes the worker exit before it dials (the real host runs in
    /// FunctionsHost/).</summary>
    [Fact]
    public async Task StartedWithTheHostsArgumentsInDevelopmentTheAppDialsTheHost()
    {
        using var fakeHost = new TcpListener(IPAddress.Loopback, 0);
        fakeHost.Start();
        var hostPort = ((IPEndPoint)fakeHost.LocalEndpoint).Port;
        var standalonePort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "PledgFunctions.dll"), .. HostArguments(hostPort)])
            start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{standalonePort}";
        start.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        start.Environment["Pledg__RateLimits__ClientAddressHeader"] = "X-Forwarded-For";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var accepting = fakeHost.AcceptTcpClientAsync();
            var exited = process.WaitForExitAsync();
            await Task.WhenAny(accepting, exited).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.False(process.HasExited, $"the worker exited with {(process.HasExited ? process.ExitCode : 0)} before dialing the host");
            using var accepted = await accepting;
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{standalonePort}/api/health"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
