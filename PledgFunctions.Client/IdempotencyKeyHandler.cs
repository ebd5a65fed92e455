namespace PledgFunctions.Client;

/// <summary>Gives every mutating merchant call (POST/PATCH under <c>/api/purchases</c>) an
/// Idempotency-Key unless the caller set one, so a retried request is replayed by the service
/// rather than acting twice. To retry across processes, set your own key with
/// <see cref="PledgRequestOptions.IdempotencyKey"/>.</summary>
public sealed class IdempotencyKeyHandler : DelegatingHandler
{
    /// <summary>The header's name.</summary>
    public const string Header = "Idempotency-Key";

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsMutatingMerchantCall(request) && !request.Headers.Contains(Header))
            request.Headers.TryAddWithoutValidation(Header, Guid.NewGuid().ToString("N"));
        return base.SendAsync(request, cancellationToken);
    }

    private static bool IsMutatingMerchantCall(HttpRequestMessage request) =>
        (request.Method == HttpMethod.Post || request.Method == HttpMethod.Patch)
        && request.RequestUri?.AbsolutePath.StartsWith("/api/purchases", StringComparison.Ordinal) == true;
}
