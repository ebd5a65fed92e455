using System.Text.Json;

namespace PledgFunctions.Hosting;

/// <summary>In Development, reads the <c>Values</c> of <c>local.settings.json</c> (or, on a fresh
/// clone, <c>local.settings.sample.json</c>) like the Functions host does, so <c>dotnet run</c>
/// gets the same development merchant as <c>func start</c> would. Environment variables and the
/// command line still win.</summary>
public static class LocalSettings
{
    public static WebApplicationBuilder AddLocalSettings(this WebApplicationBuilder builder, string[] args)
    {
        if (!builder.Environment.IsDevelopment()) return builder;
        var file = FindFile("local.settings.json") ?? FindFile("local.settings.sample.json");
        if (file is null) return builder;
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        if (!document.RootElement.TryGetProperty("Values", out var values)) return builder;
        var settings = values.EnumerateObject()
            .Where(v => v.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            .ToDictionary(v => v.Name.Replace("__", ":", StringComparison.Ordinal), v => (string?)v.Value.ToString());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        return builder;
    }

    private static string? FindFile(string name)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, name))) return Path.Combine(dir.FullName, name);
        return null;
    }
}
