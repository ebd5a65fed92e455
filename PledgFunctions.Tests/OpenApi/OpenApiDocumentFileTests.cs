using System.Diagnostics;
using System.Text.Json.Nodes;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.OpenApi;

/// <summary>The checked-in PledgFunctions.Client/openapi.json is the document the SDK was
/// generated from: it must be exactly what the service serves (tools/generate-client.sh rewrites
/// both). The served document must also pass the linters CI runs.</summary>
public sealed class OpenApiDocumentFileTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    public static string CheckedInPath => Path.Combine(RepositoryPaths.Root, "PledgFunctions.Client", "openapi.json");

    [Fact]
    public async Task TheCheckedInDocumentIsTheOneTheServiceServes()
    {
        var served = JsonNode.Parse(await fixture.Service.Client(apiKey: null).GetStringAsync("/openapi/v1.json"));
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(CheckedInPath));
        Assert.True(JsonNode.DeepEquals(served, checkedIn),
            "The service's /openapi/v1.json differs from PledgFunctions.Client/openapi.json: run tools/generate-client.sh and commit the result.");
    }

    [Fact]
    public async Task TheServedDocumentPassesRedoclyAndSpectral()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pledg-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await fixture.Service.Client(apiKey: null).GetStringAsync("/openapi/v1.json"));
        try
        {
            var lint = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "tools", "lint-openapi.sh"), file])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root,
            };
            using var process = Process.Start(lint)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(process.ExitCode == 0, $"tools/lint-openapi.sh failed:\n{await output}\n{await errors}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
