namespace PledgFunctions.OpenApi;

/// <summary>Endpoint metadata read only by the OpenAPI document: a route says what it answers
/// in its <c>*Api.cs</c> line, and <see cref="OperationRules"/> writes it out.</summary>
public static class OpenApiMetadata
{
    /// <summary>A problem+json status with the codes it carries (default: <see cref="ProblemCodes.DefaultFor"/>).</summary>
    public static TBuilder ProducesProblemCodes<TBuilder>(this TBuilder builder, int status, params string[] codes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(status).WithMetadata(new ProblemCodesMetadata(status, codes));

    /// <summary>The route takes the optional Idempotency-Key header: replays carry Idempotent-Replayed,
    /// and it may answer 409 idempotency_key_in_use (with Retry-After) and 422 idempotency_key_reused.</summary>
    public static TBuilder WithIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotencyKeyMetadata())
            .ProducesProblemCodes(StatusCodes.Status409Conflict, ProblemCodes.IdempotencyKeyInUse)
            .ProducesProblemCodes(StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyKeyReused);

    /// <summary>The response with this status carries a Location header.</summary>
    public static TBuilder WithLocationHeader<TBuilder>(this TBuilder builder, int status) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new LocationHeaderMetadata(status));
}

public sealed record ProblemCodesMetadata(int Status, string[] Codes);

public sealed record IdempotencyKeyMetadata;

public sealed record LocationHeaderMetadata(int Status);
