using System.Diagnostics;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>How to start the Functions host on an app's build output: Core Tools' <c>func start</c>
/// when it is on PATH (a developer's laptop), else the host built from its open source that lies
/// beside the repository (<c>../shared/tools/functions-host/start</c>, as in CI).</summary>
public sealed record FunctionsHostCommand(string Name, string FileName, IReadOnlyList<string> Prefix, bool IsCoreTools)
{
    public static string SharedStartScript => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "tools", "functions-host", "start"));

    public static FunctionsHostCommand? Find()
    {
        if (OnPath("func") is { } func) return new("Core Tools (func start)", func, ["start"], IsCoreTools: true);
        if (File.Exists(SharedStartScript)) return new("the host built from source (shared/tools/functions-host)", "bash", [SharedStartScript], IsCoreTools: false);
        return null;
    }

    /// <summary>Runs the host over <paramref name="appDirectory"/> on <paramref name="port"/>.</summary>
    public ProcessStartInfo StartInfo(string appDirectory, int port)
    {
        var start = new ProcessStartInfo(FileName) { WorkingDirectory = appDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in Prefix) start.ArgumentList.Add(arg);
        if (!IsCoreTools) start.ArgumentList.Add(appDirectory);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString());
        return start;
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
