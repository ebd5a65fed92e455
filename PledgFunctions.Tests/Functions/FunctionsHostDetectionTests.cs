using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.Functions;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
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

    [Fact]
    public void TheBoundDurableClientIsTheRequestsClientSource()
    {
        using var services = new ServiceCollection().AddFunctionEndpoints().BuildServiceProvider();
        using var scope = services.CreateScope();
        var source = scope.ServiceProvider.GetRequiredService<IDurableClientSource>();
        Assert.Throws<InvalidOperationException>(() => source.Client);
        Assert.Same(scope.ServiceProvider.GetRequiredService<DurableClientAccessor>(), source);
    }

    /// <summary>The built app started with the host's arguments is the isolated worker: it dials the
    /// host's gRPC address and serves nothing on its own. (A real host is not available offline.)</summary>
    [Fact]
    public async Task StartedWithTheHostsArgumentsTheAppDialsTheHost()
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
        start.Environment["Pledg__RateLimits__ClientAddressHeader"] = "X-Forwarded-For";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var accepted = await fakeHost.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));
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
