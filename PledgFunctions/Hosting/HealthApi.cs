using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Storage;

namespace PledgFunctions.Hosting;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/health", CheckAsync).WithName("Health").WithTags("Operations").WithSummary("200 when storage answers, 503 otherwise");
        return routes;
    }

    public sealed record Healthy(string Status);

    public static async Task<Results<Ok<Healthy>, ProblemHttpResult>> CheckAsync(StorageHealth health, HttpResponse response, CancellationToken ct)
    {
        if (await health.CheckAsync(ct)) return TypedResults.Ok(new Healthy("healthy"));
        response.Headers.RetryAfter = StorageHealth.RetryAfterSeconds;
        return ApiProblem.StorageUnavailable();
    }
}
