using Microsoft.Extensions.Configuration.Memory;

namespace PledgFunctions.Hosting;

public static class CustomHandlerPort
{
    public const string PortKey = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string InProcessWorkersKey = "Pledg:Lifecycle:InProcessWorkers";

    /// <summary>True when the Functions host started this process as its custom handler.</summary>
    public static bool IsCustomHandler(IConfiguration configuration) => configuration[PortKey] is { Length: > 0 };

    /// <summary>The Functions host tells a custom handler where to listen through
    /// FUNCTIONS_CUSTOMHANDLER_PORT and forwards requests there on loopback. That port wins over
    /// ASPNETCORE_URLS, <c>--urls</c> and launchSettings' applicationUrl: UseUrls writes the
    /// <c>urls</c> setting into every configuration source already added. Under the host, the
    /// in-process pollers default to off (its queue and timer triggers deliver the same work).</summary>
    public static WebApplicationBuilder UseCustomHandlerPort(this WebApplicationBuilder builder)
    {
        if (builder.Configuration[PortKey] is not { Length: > 0 } value) return builder;
        if (!int.TryParse(value, out var port) || port is < 1 or > 65535)
            throw new InvalidOperationException($"{PortKey} must be a TCP port, not '{value}'.");
        // Lowest priority, so any configured value still wins. Inserted before UseUrls: inserting a
        // source rebuilds the providers and would drop a value written into them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new(InProcessWorkersKey, "false")],
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        return builder;
    }
}
