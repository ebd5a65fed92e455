namespace PledgFunctions.Hosting;

/// <summary>Whether the Azure Functions host started this process as its isolated worker. The host
/// starts the worker with the address of its gRPC endpoint and the worker's identity on the command
/// line (<c>--functions-uri</c>, <c>--functions-worker-id</c>, and the older <c>--host</c>
/// <c>--port</c> <c>--workerId</c>); without them the worker cannot reach the host at all. The
/// <c>FUNCTIONS_WORKER_RUNTIME</c> variable alone proves nothing: local.settings.json carries it
/// and the standalone host loads that file in Development.</summary>
public static class FunctionsHostDetection
{
    public static bool IsFunctionsHost(IReadOnlyList<string> args)
    {
        bool Has(string name) => args.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase)
                                               || a.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase));
        return Has("--functions-uri") || Has("--functions-worker-id")
               || (Has("--host") && Has("--port") && Has("--workerId"));
    }
}
