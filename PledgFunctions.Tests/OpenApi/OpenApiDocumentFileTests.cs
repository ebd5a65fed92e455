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
    public async Task TheServedDocumentsPassRedoclyAndSpectral()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pledg-openapi-{Guid.NewGuid():N}.json");
        var pages = Path.Combine(Path.GetTempPath(), $"pledg-openapi-pages-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await fixture.Service.Client(apiKey: null).GetStringAsync("/openapi/v1.json"));
        await File.WriteAllTextAsync(pages, await fixture.Service.Client(apiKey: null).GetStringAsync("/openapi/pages.json"));
        try
        {
            await RepositoryCommand.RunAsync("bash", Path.Combine(RepositoryPaths.Root, "tools", "lint-openapi.sh"), file, pages);
        }
        finally
        {
            File.Delete(file);
            File.Delete(pages);
        }
    }
}
