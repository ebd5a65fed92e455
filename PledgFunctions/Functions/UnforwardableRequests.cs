using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace PledgFunctions.Functions;

/// <summary>Ends at once the invocations whose request the host cannot forward to the worker. The
/// host hands an HTTP request over in two halves: the invocation (over gRPC, with the request's
/// headers as trigger metadata) and the request itself, proxied to the worker's Kestrel by YARP over
/// HttpClient, which refuses a header name or value that is not ASCII ("Request headers must contain
/// only ASCII characters"). The request then never arrives, and the worker's ASP.NET Core integration
/// would wait 15 s for it before failing the invocation; the client waited as long for the host's
/// empty 500. Ended here, the host gives that same 500 at once (docs/azure-functions.md, "What the
/// platform answers itself"). Registered before the integration's middleware, which does the waiting.</summary>
public sealed class UnforwardableRequests(ILogger<UnforwardableRequests> logger) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.BindingContext.BindingData.TryGetValue("Headers", out var headers) && headers is string json && !IsAscii(json))
        {
            logger.LogWarning("{Function}: a request header is not ASCII; the Functions host cannot forward it and answers 500",
                context.FunctionDefinition.Name);
            return Task.CompletedTask;
        }
        return next(context);
    }

    /// <summary>Names and values as the host read them (the JSON may escape them as \uXXXX).</summary>
    private static bool IsAscii(string headersJson)
    {
        using var document = JsonDocument.Parse(headersJson);
        return document.RootElement.EnumerateObject().All(h => System.Text.Ascii.IsValid(h.Name) && IsAscii(h.Value));
    }

    private static bool IsAscii(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => System.Text.Ascii.IsValid(value.GetString()),
        JsonValueKind.Array => value.EnumerateArray().All(IsAscii),
        _ => true,
    };
}
