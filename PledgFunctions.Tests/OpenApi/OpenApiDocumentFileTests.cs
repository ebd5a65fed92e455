using System.Text.Json.Nodes;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.OpenApi;

/// <summary>The checked-in PledgFunctions.Client/openapi.json is the document the SDK was
/// generated from and the one CI lints: it must be exactly what the service serves. With
/// PLEDG_UPDATE_OPENAPI=1 (tools/generate-client.sh) the test writes it instead of comparing.</summary>
public sealed class OpenApiDocumentFileTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    public static string CheckedInPath => Path.Combine(RepositoryPaths.Root, "PledgFunctions.Client", "openapi.json");

    [Fact]
    public async Task TheCheckedInDocumentIsTheOneTheServiceServes()
    {
        var served = await fixture.Service.Client(apiKey: null).GetStringAsync("/openapi/v1.json");
        if (Environment.GetEnvironmentVariable("PLEDG_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CheckedInPath, served.ReplaceLineEndings("\n"));
            return;
        }
        Assert.True(File.Exists(CheckedInPath), $"{CheckedInPath} is missing: run tools/generate-client.sh");
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(CheckedInPath));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(served), checkedIn),
            "The service's /openapi/v1.json differs from PledgFunctions.Client/openapi.json: run tools/generate-client.sh and commit the result.");
    }
}
