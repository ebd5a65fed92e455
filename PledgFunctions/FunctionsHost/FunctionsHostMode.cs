using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;

namespace PledgFunctions.FunctionsHost;

/// <summary>Running as the Functions host's custom handler (FUNCTIONS_CUSTOMHANDLER_PORT set; see
/// Hosting/CustomHandlerPort.cs for the port and the in-process workers' default).</summary>
public static class FunctionsHostMode
{
    /// <summary>Maps the invocation endpoints outside the host too (tests); default: only under the host.</summary>
    public const string InvocationsKey = "Pledg:FunctionsHost:Invocations";

    public static bool InvocationsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool?>(InvocationsKey) ?? CustomHandlerPort.IsCustomHandler(configuration);

    public static WebApplicationBuilder AddFunctionsHost(this WebApplicationBuilder builder)
    {
        if (CustomHandlerPort.IsCustomHandler(builder.Configuration)) builder.Services.AddHostedService<CustomHandlerStartupCheck>();
        return builder;
    }
}

/// <summary>Says at start what the host will rely on, and warns about what breaks under it.</summary>
internal sealed class CustomHandlerStartupCheck(IOptions<PledgOptions> options, IConfiguration configuration,
    ILogger<CustomHandlerStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Running as the Functions custom handler on 127.0.0.1:{Port}; invocations mapped: {Invocations}; in-process workers: {Workers}",
            configuration[CustomHandlerPort.PortKey], FunctionsHostMode.InvocationsEnabled(configuration), options.Value.Lifecycle.InProcessWorkers);
        if (options.Value.PublicBaseUrl is null)
            logger.LogWarning("Pledg:PublicBaseUrl is not set: proxied requests arrive with Host 127.0.0.1:{Port}, so paymentUrl and shareUrl " +
                              "would point at the loopback address. Set it to the app's public https address.", configuration[CustomHandlerPort.PortKey]);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
