namespace PledgFunctions.RateLimiting;

/// <summary>Under the Azure Functions host every request reaches the app from the host on loopback,
/// so "the connection's remote address" is the same for every client and a per-address bucket
/// would be one bucket for everybody. There the client's address can only come from the header the
/// front end appends, so the service refuses to start without <see cref="RateLimitOptions.ClientAddressHeader"/>.
/// The host sets <c>FUNCTIONS_WORKER_RUNTIME</c> for the processes it starts; it is read from the
/// real environment, not from configuration, because <c>dotnet run</c> loads the same name from
/// local.settings.json without any host in front.</summary>
public static class FunctionsHostClientAddress
{
    public const string WorkerRuntimeVariable = "FUNCTIONS_WORKER_RUNTIME";

    public static bool UnderFunctionsHost(Func<string, string?> environment) => environment(WorkerRuntimeVariable) is { Length: > 0 };

    /// <summary>Null when the options are usable under this environment, else why not.</summary>
    public static string? Problem(RateLimitOptions options, Func<string, string?> environment) =>
        options.Enabled && string.IsNullOrWhiteSpace(options.ClientAddressHeader) && UnderFunctionsHost(environment)
            ? $"{RateLimitOptions.Section}:ClientAddressHeader must be set under the Functions host ({WorkerRuntimeVariable} is set): " +
              "every request arrives from the host, so without the header that carries the client's address " +
              "(X-Forwarded-For on Azure) all clients would share one rate-limit bucket."
            : null;
}
