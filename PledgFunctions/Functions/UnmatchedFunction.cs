using Microsoft.Azure.Functions.Worker;

namespace PledgFunctions.Functions;

/// <summary>The requests no other function's route and method take: a wrong method on a known path
/// (standalone: 405 with <c>Allow</c>), an unknown path (404), both problem+json with a code. Without
/// it the host answers them itself, 404 with an empty body. Its catch-all template is the host's last
/// choice: the host tries routes with literal segments before those that start with a parameter.</summary>
public sealed class UnmatchedFunction(FunctionEndpoints endpoints)
{
    /// <summary>No methods listed: every method.</summary>
    [Function(nameof(Unmatched))]
    public Task<IResult> Unmatched([HttpTrigger(AuthorizationLevel.Anonymous, Route = "{*path}")] HttpRequest req) =>
        endpoints.RunAsync(req);
}
