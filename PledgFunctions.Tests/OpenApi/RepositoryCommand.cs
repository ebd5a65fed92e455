using System.Diagnostics;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.OpenApi;

/// <summary>Runs a repository tool (the linters, Kiota, npm, a client's flow) from the repository
/// root, or a folder of it, and fails the test with its output when it exits non-zero.</summary>
public static class RepositoryCommand
{
    public static Task RunAsync(string command, params string[] args) => RunInAsync(RepositoryPaths.Root, null, command, args);

    /// <summary>Runs in <paramref name="folder"/> with <paramref name="environment"/> added; returns the standard output.</summary>
    public static async Task<string> RunInAsync(string folder, IDictionary<string, string>? environment, string command, params string[] args)
    {
        var start = new ProcessStartInfo(command, args)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed:\n{await output}\n{await errors}");
        return await output;
    }
}
