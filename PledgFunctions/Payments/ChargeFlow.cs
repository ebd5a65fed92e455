using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;

namespace PledgFunctions.Payments;

/// <summary>Takes money at most once, the way PayPal-style adapters do: authorize, commit our
/// own state conditionally (the commit inserts the charge's decision row, see
/// <see cref="Storage.ChargeEntity"/>), then capture. A commit that loses a race is voided. If
/// the process dies after authorize, the authorization stays open and
/// <see cref="ChargeRecovery"/> settles it from the decision row: captured if the commit landed,
/// voided otherwise.</summary>
public sealed class ChargeFlow(ICardGateway gateway, PaymentFaults faults, ILogger<ChargeFlow> logger)
{
    public async Task<ChargeOutcome<T>> RunAsync<T>(AuthorizationRequest request, Func<string, Task<Commit<T>>> commit, CancellationToken ct)
    {
        var authorization = await gateway.AuthorizeAsync(request, "authorize-" + Guid.NewGuid().ToString("N"), ct);
        if (authorization is AuthorizationResult.Declined declined) return new ChargeOutcome<T>.Declined(ApiProblem.CardDeclined(declined.DeclineCode));
        var chargeId = ((AuthorizationResult.Approved)authorization).ChargeId;
        faults.AfterAuthorize?.Invoke(chargeId);

        // If this throws (storage down, process dying) the authorization stays open on purpose:
        // we cannot know whether the commit landed, and recovery decides from storage.
        var result = await commit(chargeId);
        if (result is Commit<T>.Rejected rejected)
        {
            await gateway.VoidAsync(chargeId, ct);
            return new ChargeOutcome<T>.Rejected(rejected.Problem);
        }
        faults.AfterCommit?.Invoke(chargeId);
        try
        {
            await gateway.CaptureAsync(chargeId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The share is paid in our books; recovery captures the open authorization later.
            logger.LogWarning(e, "Capture of {ChargeId} failed after commit; recovery will complete it", chargeId);
        }
        return new ChargeOutcome<T>.Committed(((Commit<T>.Done)result).Value);
    }
}

public abstract record Commit<T>
{
    public sealed record Done(T Value) : Commit<T>;
    /// <summary>Our state said no (paid meanwhile, final, past the deadline): the charge is voided.</summary>
    public sealed record Rejected(ProblemHttpResult Problem) : Commit<T>;
}

public abstract record ChargeOutcome<T>
{
    public sealed record Committed(T Value) : ChargeOutcome<T>;
    public sealed record Declined(ProblemHttpResult Problem) : ChargeOutcome<T>;
    public sealed record Rejected(ProblemHttpResult Problem) : ChargeOutcome<T>;
}

/// <summary>Fault-injection seam for crash tests: throwing here simulates the process dying
/// between two steps of the flow. Null (no-op) outside tests.</summary>
public sealed class PaymentFaults
{
    public Action<string>? AfterAuthorize { get; set; }
    public Action<string>? AfterCommit { get; set; }
}
