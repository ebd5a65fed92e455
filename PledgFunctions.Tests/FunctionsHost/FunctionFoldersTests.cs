using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Configuration;
using PledgFunctions.FunctionsHost;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>The function folders as the host reads them. Its HTTP routes are ASP.NET Core route
/// templates (WebJobsRouteBuilder adds a <c>Route</c> per function), matched here with the same
/// template matcher.</summary>
public sealed class FunctionFoldersTests
{
    private static readonly string[] Invocations = ["deadline-timers", "webhook-deliveries", "deadline-sweep"];

    private static List<(string Name, JsonElement Binding)> Triggers() =>
        Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "functions")).Select(dir =>
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "function.json")));
            var trigger = json.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "in");
            return (Path.GetFileName(dir), trigger.Clone());
        }).ToList();

    private static List<TemplateMatcher> PublicRoutes() =>
        Triggers().Where(t => t.Binding.GetProperty("type").GetString() == "httpTrigger")
            .Select(t => new TemplateMatcher(TemplateParser.Parse(t.Binding.GetProperty("route").GetString()!), new RouteValueDictionary()))
            .ToList();

    private static bool Public(string path) => PublicRoutes().Any(m => m.TryMatch(path, new RouteValueDictionary()));

    [Theory]
    [InlineData("/api/purchases")]
    [InlineData("/api/purchases/pur_0123/cancel")]
    [InlineData("/api/checkout/tok/pledge")]
    [InlineData("/api/health")]
    [InlineData("/pay/tok")]
    [InlineData("/pay/share/tok")]
    [InlineData("/pay/assets/app.css")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/docs")]
    [InlineData("/docs/")]
    [InlineData("/docs/scalar.js")]
    public void PublicPathsReachTheApp(string path) => Assert.True(Public(path), path);

    [Theory]
    [InlineData("/deadline-timers")]
    [InlineData("/webhook-deliveries")]
    [InlineData("/deadline-sweep")]
    [InlineData("/DEADLINE-TIMERS")]
    [InlineData("/")]
    public void InvocationPathsAreNotPublic(string path) => Assert.False(Public(path), path);

    /// <summary>A route added to the app later must not be forgotten in the HTTP functions, and
    /// nothing but the three invocations may be left out.</summary>
    [Fact]
    public async Task EveryRouteTheAppMapsIsPublicOrAnInvocation()
    {
        await using var app = PledgApp.Build(["--environment", "Testing"], builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { [FunctionsHostMode.InvocationsKey] = "true", ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));
        var paths = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => Regex.Replace(e.RoutePattern.RawText ?? "", @"\{[^}]+\}", "x")).Distinct().ToList();

        Assert.All(Invocations, name => Assert.Contains("/" + name, paths));
        Assert.All(paths.Where(p => !Invocations.Contains(p.Trim('/'))), p => Assert.True(Public(p.StartsWith('/') ? p : "/" + p), p));
    }

    [Fact]
    public void EveryNonHttpFunctionIsAnInvocationTheAppMaps()
    {
        var others = Triggers().Where(t => t.Binding.GetProperty("type").GetString() != "httpTrigger").Select(t => t.Name).Order();
        Assert.Equal(Invocations.Order(), others);
    }

    [Fact]
    public void QueueMessagesArePlainTextForTheHostAsForTheSdk()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        Assert.Equal("none", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.True(host.RootElement.GetProperty("customHandler").GetProperty("enableProxyingHttpRequest").GetBoolean());
    }
}
