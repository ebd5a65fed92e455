namespace PledgFunctions.Telemetry;

/// <summary>One log line per request, what a developer watching <c>dotnet run</c> wants to see:
/// <c>GET /api/purchases/{id} 404 3 ms</c>. The route template, never the raw path (on the hosted
/// pages' routes the path is the credential); a request no route matched shows its path with token
/// segments redacted.</summary>
public static partial class RequestLog
{
    public const string Category = "PledgFunctions.Requests";

    /// <summary>First in the pipeline, so the status is the final one (after the error handler), and
    /// the endpoint is read before the error handler clears it.</summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information))
            {
                await next(context);
                return;
            }
            var started = time.GetTimestamp();
            var endpoint = context.GetEndpoint();
            try { await next(context); }
            finally
            {
                Completed(logger, context.Request.Method, TelemetryRedaction.RouteOf(endpoint, context.Request.Path),
                    context.Response.StatusCode, (long)time.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        return app;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Route} {Status} {ElapsedMs} ms")]
    private static partial void Completed(ILogger logger, string method, string route, int status, long elapsedMs);
}
