using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace PledgFunctions.Pages;

/// <summary>The pages' files, embedded in the assembly (see PledgFunctions.csproj), read once.
/// Templates name assets as <c>{{asset:app.css}}</c>, which becomes <c>/pay/assets/app.css?v=hash</c>,
/// so a deploy changes the URL of every changed file and the old one can be cached forever.</summary>
internal static partial class PageAssets
{
    private const string AssetPrefix = "Pages/Assets/";
    private const string TemplatePrefix = "Pages/Templates/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, PageAsset> Assets = LoadAssets();

    public static string OrganizerPage { get; } = Template("organizer.html");
    public static string SharePage { get; } = Template("share.html");
    public static string NotFoundPage { get; } = Template("not-found.html");

    public static PageAsset? Find(string name) => Assets.GetValueOrDefault(name);

    private static FrozenDictionary<string, PageAsset> LoadAssets()
    {
        var assets = new Dictionary<string, PageAsset>(StringComparer.Ordinal);
        foreach (var resource in typeof(PageAssets).Assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(AssetPrefix, StringComparison.Ordinal)) continue;
            var name = resource[AssetPrefix.Length..];
            var content = Read(resource);
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
            assets[name] = new PageAsset(content, ContentTypes[Path.GetExtension(name)], hash, new EntityTagHeaderValue($"\"{hash}\""));
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Template(string name)
    {
        var html = Encoding.UTF8.GetString(Read(TemplatePrefix + name));
        return AssetReference().Replace(html, match =>
        {
            var asset = Find(match.Groups[1].Value) ?? throw new InvalidOperationException($"{name} links the missing asset {match.Value}.");
            return $"/pay/assets/{match.Groups[1].Value}?v={asset.Hash}";
        });
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"\{\{asset:([a-z0-9.-]+)\}\}")]
    private static partial Regex AssetReference();
}

internal sealed record PageAsset(byte[] Content, string ContentType, string Hash, EntityTagHeaderValue ETag);
