using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Storage;

namespace PledgFunctions.Payments;

/// <summary>Takes money at most once, the way PayPal-style adapters do: authorize, commit our
/// own state conditionally (the commit inserts the charge's decision row, see
/// <see cref="Storage.ChargeEntity"/>), then capture without holding the answer
/// (<see cref="PromptCaptures"/>). A commit that loses a race is voided. The
/// caller announces the authorization's key to the purchase's orchestration first, so if the
/// process dies anywhere after authorize, <see cref="ChargeSettlement"/> settles it from the
/// decision row: captured if the commit landed, voided otherwise.</summary>
public sealed class ChargeFlow(ICardGateway gateway, PurchaseTable purchases, PromptCaptures captures, PaymentFaults faults, TimeProvider time)
{
    /// <summary>The idempotency key of a new authorization, known before it is made.</summary>
    public static string NewAuthorizationKey() => "authorize-" + Guid.NewGuid().ToString("N");

    public async Task<ChargeOutcome<T>> RunAsync<T>(AuthorizationRequest request, string authorizationKey, Func<string, Task<Commit<T>>> commit,
        CancellationToken ct)
    {
        var authorization = await gateway.AuthorizeAsync(request, authorizationKey, ct);
        if (authorization is AuthorizationResult.Declined declined) return new ChargeOutcome<T>.Declined(ApiProblem.CardDeclined(declined.DeclineCode));
        var chargeId = ((AuthorizationResult.Approved)authorization).ChargeId;
        faults.AfterAuthorize?.Invoke(chargeId);

        // If this throws (storage down, process dying) the authorization stays open on purpose:
        // we cannot know whether the commit landed, and recovery decides from storage.
        var result = await commit(chargeId);
        if (result is Commit<T>.Rejected rejected)
        {
            // Decided here, so the orchestration's settlement finds the decision at its first look.
            try
            {
                await purchases.InsertAsync(new ChargeEntity
                {
                    PartitionKey = request.PurchaseId, RowKey = ChargeEntity.RowKeyFor(chargeId), ShareRowKey = request.ShareRowKey,
                    Amount = request.Amount, Outcome = ChargeEntity.Voided, DecidedAt = time.GetUtcNow(),
                }, ct);
            }
            catch (Exception e) when (StorageErrors.IsConflict(e)) { }
            await gateway.VoidAsync(chargeId, ct);
            return new ChargeOutcome<T>.Rejected(rejected.Problem);
        }
        faults.AfterCommit?.Invoke(chargeId);
        // Not awaited: the commit made the share paid, and the capture it implies is guaranteed.
        captures.Start(chargeId);
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
