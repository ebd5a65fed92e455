using Microsoft.AspNetCore.Diagnostics;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;

namespace PledgFunctions.Errors;

public static class ErrorHandling
{
    public static IServiceCollection AddApiErrors(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        return services;
    }

    /// <summary>Unhandled exceptions and bare status codes (unknown route, wrong method) become
    /// problem+json with a <c>code</c> too.</summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var (code, title) = status switch
            {
                404 => ("not_found", "Not found."),
                405 => ("method_not_allowed", "Method not allowed."),
                415 => ("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'."),
                _ => ("error", "Error."),
            };
            await ApiProblem.Create(status, code, title, $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path} answered {status}.")
                .ExecuteAsync(context.HttpContext);
        });
        return app;
    }
}

/// <summary>The one place that translates exceptions: storage outages → 503 with Retry-After,
/// oversized or unreadable bodies → 4xx, anything else → 500 (logged with its stack).</summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger, StorageHealth health) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (context.RequestAborted.IsCancellationRequested) return true;
        Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem;
        // The route template, not the path: on the hosted pages' routes the path is the page's only credential.
        // (The exception handler has already cleared the endpoint from the context; its feature keeps it.)
        var route = TelemetryRedaction.RouteOf(context.Features.Get<IExceptionHandlerFeature>()?.Endpoint, context.Request.Path);
        if (exception is BadHttpRequestException bad)
        {
            problem = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? JsonBody.TooLarge()
                : ApiProblem.Create(bad.StatusCode, "validation_error", "Bad request.", "The request could not be read.");
        }
        else if (StorageErrors.IsUnavailable(exception))
        {
            health.ReportFailure(exception);
            logger.LogWarning("Storage unavailable for {Method} {Route}: {Error}", context.Request.Method, route, exception.GetBaseException().Message);
            context.Response.Headers.RetryAfter = StorageHealth.RetryAfterSeconds;
            problem = ApiProblem.StorageUnavailable();
        }
        else
        {
            logger.LogError(exception, "Unhandled error for {Method} {Route}", context.Request.Method, route);
            problem = ApiProblem.Create(StatusCodes.Status500InternalServerError, "internal_error", "Internal error.",
                "An unexpected error occurred; it has been logged.");
        }
        await problem.ExecuteAsync(context);
        return true;
    }
}
