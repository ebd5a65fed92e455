using System.Diagnostics;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.OpenApi;

/// <summary>Runs a repository tool (the linters, Kiota) from the repository root and fails the
/// test with its output when it exits non-zero.</summary>
public static class RepositoryCommand
{
    public static async Task RunAsync(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command, args)
        {
            WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed:\n{await output}\n{await errors}");
    }
}
