namespace PledgFunctions.OpenApi;

/// <summary>The contract's error codes, as the document's <c>ProblemCode</c> enum lists them, and
/// the code each status answers with when a route does not say otherwise.</summary>
public static class ProblemCodes
{
    public const string ValidationError = "validation_error";
    public const string Unauthorized = "unauthorized";
    public const string CardDeclined = "card_declined";
    public const string NotFound = "not_found";
    public const string PurchaseNotModifiable = "purchase_not_modifiable";
    public const string ShareAlreadyPaid = "share_already_paid";
    public const string AlreadyRefunded = "already_refunded";
    public const string IdempotencyKeyInUse = "idempotency_key_in_use";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string RateLimited = "rate_limited";
    public const string StorageUnavailable = "storage_unavailable";
    /// <summary>Not in the contract's table, but answered by pledge and pay (503) when recovery voided
    /// a payment that took too long: nothing was charged and a retry is safe.</summary>
    public const string PaymentInterrupted = "payment_interrupted";
    /// <summary>Answered by routing, not by a handler: a method the route does not take (405).</summary>
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>A fault of the service (500): never for bad input.</summary>
    public const string InternalError = "internal_error";

    public static readonly string[] All =
    [
        ValidationError, Unauthorized, CardDeclined, NotFound, PurchaseNotModifiable, ShareAlreadyPaid, AlreadyRefunded,
        IdempotencyKeyInUse, PayloadTooLarge, UnsupportedMediaType, IdempotencyKeyReused, RateLimited, StorageUnavailable, PaymentInterrupted, MethodNotAllowed, InternalError,
    ];

    /// <summary>An open set (a string listing the known codes in <c>x-extensible-enum</c>): a client generated
    /// today must still read the problem of a code added tomorrow.</summary>
    public static Microsoft.OpenApi.OpenApiSchema Schema() => new()
    {
        Type = Microsoft.OpenApi.JsonSchemaType.String,
        Description = "The machine-readable error code. An open set: handle the codes you know and treat any other by its HTTP status. " +
                      "Known: " + string.Join(", ", All.Select(c => $"`{c}`")) + ".",
        MaxLength = 64,
        Pattern = "^[a-z_]+$",
        Examples = [System.Text.Json.Nodes.JsonValue.Create(ValidationError)],
        Extensions = new Dictionary<string, Microsoft.OpenApi.IOpenApiExtension>
        {
            ["x-extensible-enum"] = new Microsoft.OpenApi.JsonNodeExtension(
                new System.Text.Json.Nodes.JsonArray([.. All.Select(c => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(c))])),
        },
    };

    public static string[] DefaultFor(int status) => status switch
    {
        400 => [ValidationError],
        401 => [Unauthorized],
        402 => [CardDeclined],
        404 => [NotFound],
        409 => [PurchaseNotModifiable],
        405 => [MethodNotAllowed],
        413 => [PayloadTooLarge],
        415 => [UnsupportedMediaType],
        422 => [IdempotencyKeyReused],
        429 => [RateLimited],
        500 => [InternalError],
        503 => [StorageUnavailable],
        _ => [],
    };
}
