using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.OpenApi;
using PledgFunctions.Tests.RateLimiting;

namespace PledgFunctions.Tests.Client;

/// <summary>The TypeScript client (clients/typescript: openapi-typescript types of the merchant
/// document, openapi-fetch calls, the webhook helpers) type-checked with tsc --strict and run through
/// the merchant flow (src/flow.ts) against the real service, a real webhook delivery included.</summary>
public sealed class TypeScriptClientTests(RateLimitedServices services) : IClassFixture<RateLimitedServices>
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "clients", "typescript");

    [Fact]
    public async Task TheTypesAreWhatOpenApiTypescriptMakesOfTheDocumentAndTheFlowRuns()
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "openapi-fetch")))
            await RepositoryCommand.RunInAsync(Folder, null, "npm", "ci", "--no-audit", "--no-fund");
        var fresh = Path.Combine(Path.GetTempPath(), $"pledg-schema-{Guid.NewGuid():N}.d.ts");
        try
        {
            await RepositoryCommand.RunInAsync(Folder, null, Path.Combine(Folder, "node_modules", ".bin", "openapi-typescript"), OpenApiDocumentFileTests.CheckedInPath, "-o", fresh);
            Assert.True(File.ReadAllText(fresh) == File.ReadAllText(Path.Combine(Folder, "src", "schema.d.ts")),
                "clients/typescript/src/schema.d.ts differs from the document's types: run `npm run generate` in clients/typescript and commit.");
        }
        finally
        {
            File.Delete(fresh);
        }

        await RepositoryCommand.RunInAsync(Folder, null, Path.Combine(Folder, "node_modules", ".bin", "tsc"), "-p", "tsconfig.json"); // strict: see tsconfig.json
        var output = await RepositoryCommand.RunInAsync(Folder, new Dictionary<string, string>
        {
            ["PLEDG_BASE_URL"] = services.Unlimited.BaseAddress.ToString(),
            ["PLEDG_LIMITED_BASE_URL"] = services.Limited.BaseAddress.ToString(),
            ["PLEDG_API_KEY"] = TestService.MerchantKey,
            ["PLEDG_WEBHOOK_SECRET"] = TestService.MerchantSecret,
        }, "node", "dist/flow.js");
        Assert.Contains("typescript merchant flow: ok", output);

        // docs/quick-start.md's TypeScript block, as written (QuickStartTests compares the two).
        var quickStart = await RepositoryCommand.RunInAsync(Folder, new Dictionary<string, string>
        {
            ["PLEDG_BASE_URL"] = services.Unlimited.BaseAddress.ToString(),
            ["PLEDG_API_KEY"] = TestService.MerchantKey,
        }, "node", "dist/quick-start.js");
        Assert.Contains("reference order-123-b", quickStart);
        Assert.Contains("refused: validation_error", quickStart);
    }
}
