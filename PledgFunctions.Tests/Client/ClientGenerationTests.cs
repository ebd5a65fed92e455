using System.Diagnostics;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Client;

/// <summary>PledgFunctions.Client/Generated is exactly what the pinned Kiota makes of the checked-in
/// document (which OpenApiDocumentFileTests pins to the served one): regenerate into a temporary
/// folder and compare file by file.</summary>
public sealed class ClientGenerationTests
{
    private static readonly string Generated = Path.Combine(RepositoryPaths.Root, "PledgFunctions.Client", "Generated");

    [Fact]
    public async Task TheCheckedInClientIsWhatKiotaGeneratesFromTheDocument()
    {
        var fresh = Path.Combine(Path.GetTempPath(), $"pledg-kiota-{Guid.NewGuid():N}");
        try
        {
            await RunAsync("dotnet", "tool", "restore");
            await RunAsync("bash", Path.Combine(RepositoryPaths.Root, "tools", "kiota-generate.sh"), fresh);
            var expected = Files(fresh);
            var actual = Files(Generated);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            var differing = expected.Keys.Where(f => expected[f] != actual[f]).ToList();
            Assert.True(differing.Count == 0,
                $"Generated code differs from the document for {string.Join(", ", differing)}: run tools/generate-client.sh and commit the result.");
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
    }

    /// <summary>The C# files by relative path (kiota-lock.json names the folder it was written to, so it is left out).</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"));

    private static async Task RunAsync(string command, params string[] args)
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
