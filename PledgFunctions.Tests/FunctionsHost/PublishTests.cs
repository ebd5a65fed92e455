using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>A Release build takes both cores for a while: run it alone, not beside the timing-sensitive lifecycle tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishCollection
{
    public const string Name = "publish (alone)";
}

/// <summary><c>bash publish.sh</c> builds what Azure runs: a self-contained linux-x64
/// executable with host.json and the function folders at the root, in a folder and a zip that
/// both keep the executable bit. The published executable then starts the way the host starts it.</summary>
[Collection(PublishCollection.Name)]
public sealed class PublishTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "pledg-publish-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [Fact]
    public async Task PublishProducesTheFunctionAppLayoutAndItRunsAsACustomHandler()
    {
        var took = Stopwatch.StartNew();
        var (exitCode, log) = await RunAsync("bash", Path.Combine(RepositoryPaths.Root, "publish.sh"), _out);
        output.WriteLine($"publish.sh took {took.Elapsed.TotalSeconds:F0} s:\n{log}");
        Assert.True(exitCode == 0, log);

        var publish = Path.Combine(_out, "publish");
        var functions = Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "functions")).Select(Path.GetFileName).ToList();
        Assert.Contains("deadline-timers", functions);
        Assert.True(File.Exists(Path.Combine(publish, "host.json")));
        foreach (var function in functions) Assert.True(File.Exists(Path.Combine(publish, function!, "function.json")), function);
        var executable = Path.Combine(publish, "PledgFunctions");
        Assert.True(OperatingSystem.IsLinux() && File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), "PledgFunctions must be executable");
        // Self-contained: the runtime is in the folder, and the app does not ask for a shared one.
        Assert.True(File.Exists(Path.Combine(publish, "libcoreclr.so")));
        using (var runtimeConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(publish, "PledgFunctions.runtimeconfig.json"))))
            Assert.True(runtimeConfig.RootElement.GetProperty("runtimeOptions").TryGetProperty("includedFrameworks", out _));

        using (var zip = ZipFile.OpenRead(Path.Combine(_out, "pledg-functions.zip")))
        {
            var entries = zip.Entries.ToDictionary(e => e.FullName.Replace('\\', '/'));
            Assert.Equal(Directory.GetFiles(publish, "*", SearchOption.AllDirectories).Length, entries.Values.Count(e => e.Name.Length > 0));
            Assert.Contains("host.json", entries.Keys);
            foreach (var function in functions) Assert.Contains($"{function}/function.json", entries.Keys);
            var mode = (UnixFileMode)((entries["PledgFunctions"].ExternalAttributes >> 16) & 0x1FF);
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"the zipped PledgFunctions has mode {mode}");
        }

        await using var azurite = await Azurite.StartNewAsync();
        await RunsAsTheHostStartsItAsync(publish, azurite);
    }

    /// <summary>Started from the app root with only the host's variables and an Azurite connection:
    /// answers the readiness probe on its port and a timer invocation.</summary>
    private static async Task RunsAsTheHostStartsItAsync(string publish, Azurite azurite)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo(Path.Combine(publish, "PledgFunctions"))
        {
            WorkingDirectory = publish, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString();
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
            }, TimeSpan.FromSeconds(30), "published handler healthy");
            await (await HostPayloads.InvokeAsync(client, "deadline-sweep", HostPayloads.TimerTrigger())).AssertInvocationAnswerAsync(success: true);
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
