using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.OpenApi;

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
            await RepositoryCommand.RunAsync("dotnet", "tool", "restore");
            await RepositoryCommand.RunAsync("bash", Path.Combine(RepositoryPaths.Root, "tools", "kiota-generate.sh"), fresh);
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
}
