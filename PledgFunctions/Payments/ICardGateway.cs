namespace PledgFunctions.Payments;

/// <summary>A card gateway shaped like a real one (Stripe's manual capture, PayPal's
/// authorize/capture): authorize, then capture or void, each with an idempotency key so a retried
/// call never moves money twice. Metadata ties an authorization to the share it pays, so that
/// recovery can find and settle authorizations whose commit never happened.</summary>
public interface ICardGateway
{
    Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken ct);

    /// <summary>Idempotent: capturing a captured charge does nothing.</summary>
    Task CaptureAsync(string chargeId, CancellationToken ct);

    /// <summary>Idempotent: voiding a voided charge does nothing. Releases the hold; nothing is charged.</summary>
    Task VoidAsync(string chargeId, CancellationToken ct);

    /// <summary>The charge an authorization with this idempotency key made, or null if none was made
    /// (declined, or never sent): how a crashed request's authorization is found again.</summary>
    Task<string?> FindAuthorizationAsync(string idempotencyKey, CancellationToken ct);

    /// <summary>Gives <paramref name="amount"/> of a captured charge back to its card (partial
    /// refunds add up). Idempotent: a retried key returns the first refund's id and pays nothing
    /// more. Throws <see cref="ChargeNotCapturedException"/> while the charge is only authorized, and
    /// <see cref="RefundRefusedException"/> when it was voided (or never made) or the refunds would
    /// exceed what was captured.</summary>
    Task<string> RefundAsync(string chargeId, long amount, string idempotencyKey, CancellationToken ct);
}

/// <summary>The gateway said no to a refund: never a transient failure, always a bug upstream.</summary>
public sealed class RefundRefusedException(string message) : Exception(message);

/// <summary>The charge is authorized and not captured yet: capture it (if its commit decided so), then refund.</summary>
public sealed class ChargeNotCapturedException(string chargeId) : Exception($"Charge {chargeId} is authorized, not captured yet.");

public sealed record AuthorizationRequest(long Amount, string Currency, ValidCard Card, string PurchaseId, string ShareRowKey);

public abstract record AuthorizationResult
{
    public sealed record Approved(string ChargeId) : AuthorizationResult;
    public sealed record Declined(string DeclineCode) : AuthorizationResult;
}
