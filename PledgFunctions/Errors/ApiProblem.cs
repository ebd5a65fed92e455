using Microsoft.AspNetCore.Http.HttpResults;

namespace PledgFunctions.Errors;

/// <summary>Every error response leaves through here, so each carries the contract's
/// <c>code</c> (and <c>errors</c> for validation) in an RFC 9457 problem+json body.</summary>
public static class ApiProblem
{
    public static ProblemHttpResult Create(int status, string code, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (errors is not null) extensions["errors"] = errors;
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        Create(StatusCodes.Status400BadRequest, "validation_error", "The request is not valid.",
            detail ?? string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), errors);

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Unauthorized() =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized.",
            "Send a merchant API key as 'Authorization: Bearer <key>'.");

    public static ProblemHttpResult NotFound(string what) =>
        Create(StatusCodes.Status404NotFound, "not_found", "Not found.", $"No {what} with this identifier.");

    public static ProblemHttpResult NotModifiable(string detail) =>
        Create(StatusCodes.Status409Conflict, "purchase_not_modifiable", "The purchase cannot be modified.", detail);

    public static ProblemHttpResult AlreadyRefunded() =>
        Create(StatusCodes.Status409Conflict, "already_refunded", "A refund was already requested.",
            "A refund of this purchase was already requested; its progress shows in refundStatus.");

    public static ProblemHttpResult ShareAlreadyPaid() =>
        Create(StatusCodes.Status409Conflict, "share_already_paid", "The share is already paid.",
            "This share has been paid already; nothing was charged.");

    public static ProblemHttpResult CardDeclined(string declineCode) =>
        Create(StatusCodes.Status402PaymentRequired, "card_declined", "The card was declined.",
            declineCode == "insufficient_funds"
                ? "The card was declined for insufficient funds. Nothing was charged; try another card."
                : "The card was declined. Nothing was charged; try another card.",
            new Dictionary<string, string[]> { ["card.number"] = ["The card was declined."] });

    public static ProblemHttpResult IdempotencyKeyInUse() =>
        Create(StatusCodes.Status409Conflict, "idempotency_key_in_use", "A request with this Idempotency-Key is in progress.",
            "Another request with the same Idempotency-Key is still being processed; retry after a moment.");

    public static ProblemHttpResult IdempotencyKeyReused() =>
        Create(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused", "Idempotency-Key reused with another request.",
            "This Idempotency-Key was already used with a different request body or on another route.");

    /// <summary>The request took so long between authorizing the card and recording the payment
    /// that recovery voided the authorization: nothing was charged, and retrying is safe.</summary>
    public static ProblemHttpResult PaymentInterrupted() =>
        Create(StatusCodes.Status503ServiceUnavailable, "payment_interrupted", "The payment was interrupted.",
            "The payment could not be completed in time and was cancelled; nothing was charged. Please try again.");

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Unsupported media type.", detail);

    public static ProblemHttpResult StorageUnavailable() =>
        Create(StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "Storage is unavailable.",
            "Table or Queue storage cannot be reached right now. Retry later: a retry is safe (with the same Idempotency-Key where the route takes one), because a storage timeout cannot tell whether the change landed.");
}
