using System.Text.RegularExpressions;
using PledgFunctions.Client;
using PledgFunctions.Client.Generated.Models;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.OpenApi;

namespace PledgFunctions.Tests.Client;

/// <summary>docs/quick-start.md runs as written: its curl block in bash against the real service, its
/// .NET block as <see cref="QuickStartAsync"/> (the two are compared line by line), its TypeScript
/// block as clients/typescript/src/quick-start.ts (compared here, run by TypeScriptClientTests).</summary>
public sealed partial class QuickStartTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "quick-start.md"));

    [Fact]
    public async Task TheCurlBlockRunsAsWritten()
    {
        var block = Blocks("bash").Single(b => b.Contains("BASE=", StringComparison.Ordinal));
        var output = await RepositoryCommand.RunInAsync(RepositoryPaths.Root, new Dictionary<string, string>
        {
            ["BASE"] = fixture.Service.BaseAddress.ToString().TrimEnd('/'),
            ["KEY"] = TestService.MerchantKey,
        }, "bash", "-euo", "pipefail", "-c", block);

        Assert.Matches("created pur_[0-9a-f]{32}; send the organizer to http", output);
        Assert.Contains("{\"state\":\"INITIALIZED\"}", output);
        Assert.Contains("\"nextCursor\":null", output);
        Assert.Contains("\"code\":\"not_found\"", output);
    }

    [Fact]
    public async Task TheDotNetBlockIsThisTestsCodeAndRuns()
    {
        Assert.Equal(Lines(Blocks("csharp").Single()), Lines(Region(File.ReadAllText(SourcePath()), "// quick-start:begin", "// quick-start:end")));

        var purchase = await QuickStartAsync(fixture.Service.BaseAddress, TestService.MerchantKey);

        Assert.Equal(("order-123-b", PurchaseState.INITIALIZED), (purchase.Reference, purchase.State));
    }

    [Fact]
    public void TheTypeScriptBlockIsTheClientsQuickStartSource()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "clients", "typescript", "src", "quick-start.ts"));
        Assert.Equal(Lines(Blocks("ts").Single()), Lines(Region(source, "// quick-start:begin", "// quick-start:end")));
    }

    private static async Task<Purchase> QuickStartAsync(Uri baseUrl, string apiKey)
    {
        // quick-start:begin
        var pledg = PledgClient.Create(baseUrl, apiKey);
        var purchase = await pledg.Api.Purchases.PostAsync(new CreatePurchaseRequest
        {
            OrganizerEmail = "alice@example.com", Amount = 12000, Currency = Currency.EUR, Reference = "order-123",
        }, c => c.IdempotencyKey(Guid.NewGuid().ToString()));
        Console.WriteLine($"send the organizer to {purchase!.PaymentUrl}");

        var edited = await pledg.Api.Purchases[purchase.Id].PatchAsync(new PatchPurchaseRequest { Reference = "order-123-b" });
        Console.WriteLine($"{edited!.Id} is {edited.State}, reference {edited.Reference}");

        try
        {
            await pledg.Api.Purchases[purchase.Id].PatchAsync(new PatchPurchaseRequest { Amount = 0 });
        }
        catch (Problem problem)
        {
            Console.WriteLine($"refused: {problem.Code} {string.Join(", ", problem.FieldErrors.Keys)}");
        }
        // quick-start:end
        return edited;
    }

    private static string SourcePath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static IEnumerable<string> Blocks(string language) =>
        Fence().Matches(Doc).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value);

    private static string Region(string text, string begin, string end)
    {
        // The last one: in this file the first is the call below that names the markers.
        var from = text.LastIndexOf(begin, StringComparison.Ordinal) + begin.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    /// <summary>The non-blank lines, indentation aside.</summary>
    private static string[] Lines(string text) =>
        [.. text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    [GeneratedRegex("```([a-z]+)\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}
