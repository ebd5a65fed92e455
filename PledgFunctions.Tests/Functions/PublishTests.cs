using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.Functions;

/// <summary>A Release build takes both cores for a while: run it alone, not beside the timing-sensitive lifecycle tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishCollection
{
    public const string Name = "publish (alone)";
}

/// <summary><c>bash publish.sh</c> builds what Azure runs: the isolated worker with host.json,
/// functions.metadata, worker.config.json and the host-side Durable Task extension at the root, in
/// a folder and a zip. The same published assembly still runs standalone.</summary>
[Collection(PublishCollection.Name)]
public sealed class PublishTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "pledg-publish-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [Fact]
    public async Task PublishProducesTheIsolatedFunctionAppAndItAlsoRunsStandalone()
    {
        var took = Stopwatch.StartNew();
        var (exitCode, log) = await RunAsync("bash", Path.Combine(RepositoryPaths.Root, "publish.sh"), _out);
        output.WriteLine($"publish.sh took {took.Elapsed.TotalSeconds:F0} s:\n{log}");
        Assert.True(exitCode == 0, log);
        var publish = Path.Combine(_out, "publish");

        using (var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(publish, "host.json"))))
        {
            Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
            Assert.False(host.RootElement.TryGetProperty("extensionBundle", out _));
            var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
            Assert.Equal("PledgHub", durable.GetProperty("hubName").GetString());
            Assert.Equal("00:00:01", durable.GetProperty("storageProvider").GetProperty("maxQueuePollingInterval").GetString());
            // The same account as the standalone engine's default (Pledg:Engine:Connection).
            Assert.Equal(new PledgFunctions.Engine.EngineOptions().Connection, durable.GetProperty("storageProvider").GetProperty("connectionName").GetString());
            Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        }
        // The functions the build lists (checked against the contract in PublishedFunctionsTests) are the ones shipped.
        Assert.Equal(FunctionNames(Path.Combine(AppContext.BaseDirectory, "functions.metadata")), FunctionNames(Path.Combine(publish, "functions.metadata")));
        using (var worker = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(publish, "worker.config.json"))))
        {
            var description = worker.RootElement.GetProperty("description");
            Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
            Assert.Equal("PledgFunctions.dll", description.GetProperty("defaultWorkerPath").GetString());
        }
        using (var extensions = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(publish, "extensions.json"))))
        {
            var durable = extensions.RootElement.GetProperty("extensions").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "DurableTask");
            Assert.True(File.Exists(Path.Combine(publish, durable.GetProperty("hintPath").GetString()!)));
        }
        Assert.Empty(Directory.GetFiles(publish, "function.json", SearchOption.AllDirectories));

        using (var zip = ZipFile.OpenRead(Path.Combine(_out, "pledg-functions.zip")))
        {
            var files = Directory.GetFiles(publish, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(publish, f).Replace('\\', '/')).Order();
            Assert.Equal(files, zip.Entries.Where(e => e.Name.Length > 0).Select(e => e.FullName.Replace('\\', '/')).Order());
        }

        await using var azurite = await Azurite.StartNewAsync();
        await RunsStandaloneAsync(publish, azurite);
    }

    private static List<string> FunctionNames(string metadata)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(metadata));
        return document.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order().ToList();
    }

    /// <summary>Without the host's worker arguments, `dotnet PledgFunctions.dll` is the standalone service.</summary>
    private static async Task RunsStandaloneAsync(string publish, Azurite azurite)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = publish, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(publish, "PledgFunctions.dll"), "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(arg);
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"published PledgFunctions exited with {process.ExitCode}");
                try { return (await client.GetAsync("/api/health")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
            }, TimeSpan.FromSeconds(60), "published service healthy");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 8 minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
