using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Hosting;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/health", CheckAsync).WithName("GetHealth").WithTags("Operations").WithSummary("200 when storage answers, 503 otherwise")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public sealed record Healthy(string Status);

    /// <summary>Healthy once storage answers and the lifecycle engine accepts calls (standalone, its
    /// sidecar starts right after storage): before that, creating a purchase would be refused.</summary>
    public static async Task<Results<Ok<Healthy>, ProblemHttpResult>> CheckAsync(StorageHealth health, IEngineReadiness engine,
        HttpResponse response, CancellationToken ct)
    {
        if (await health.CheckAsync(ct) && engine.IsReady) return TypedResults.Ok(new Healthy("healthy"));
        response.Headers.RetryAfter = StorageHealth.RetryAfterSeconds;
        return ApiProblem.StorageUnavailable();
    }
}
