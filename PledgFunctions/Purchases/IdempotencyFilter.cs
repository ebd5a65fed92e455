using PledgFunctions.Errors;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary>The contract's <c>Idempotency-Key</c> on a mutating merchant route, added with one
/// line: <c>.WithIdempotency()</c>. Scoped to the merchant; the same route and body bytes replay
/// the first response (status, headers that matter and body, plus <c>Idempotent-Replayed: true</c>)
/// without running the handler again; another route or body is a 422; a duplicate still in flight
/// is a 409 with Retry-After. Whatever the handler answered first is what is replayed (a 409
/// stays a 409), except a 5xx, after which the key is released so a retry runs again.</summary>
public sealed class IdempotencyFilter(IdempotencyStore store, TimeProvider time) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    private const string ReservedIdItem = "pledg:idempotency:purchase-id";

    /// <summary>The purchase id reserved with the key, which a create must use so that a retry
    /// taking over a dead attempt creates the same purchase; null without a key.</summary>
    public static string? ReservedPurchaseId(HttpContext http) => http.Items[ReservedIdItem] as string;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var merchant = await Merchant.BindAsync(http);
        if (!request.Headers.TryGetValue(Header, out var values) || merchant is null) return await next(context);
        var key = values.ToString();
        if (!IdempotencyStore.IsValidKey(key)) return ApiProblem.Validation(Header, "Must be 1 to 255 visible ASCII characters.");

        // "Same body" means the same bytes: read them here, then rewind for the handler.
        request.EnableBuffering(JsonBody.MaxBytes + 1);
        var body = await JsonBody.ReadAsync(request, http.RequestAborted);
        if (body is null) return JsonBody.TooLarge();
        request.Body.Position = 0;

        var route = $"{request.Method} {request.Path}";
        var bodyHash = IdempotencyStore.Hash(body);
        var now = time.GetUtcNow();
        var outcome = await store.BeginAsync(merchant.Id, key, route, bodyHash, PurchaseKeys.NewPurchaseId(now), http.RequestAborted);
        switch (outcome)
        {
            case IdempotencyOutcome.Replay replay:
                return replay.Response with { Replayed = true };
            case IdempotencyOutcome.Mismatch:
                return ApiProblem.IdempotencyKeyReused();
            case IdempotencyOutcome.InFlight:
                http.Response.Headers.RetryAfter = "1";
                return ApiProblem.IdempotencyKeyInUse();
        }
        var (purchaseId, claim) = (IdempotencyOutcome.Proceed)outcome;
        http.Items[ReservedIdItem] = purchaseId;

        StoredResponse response;
        try
        {
            response = await RunAndCaptureAsync(context, next);
        }
        catch
        {
            await store.ReleaseAsync(merchant.Id, key, claim, route, bodyHash, purchaseId, now);
            throw;
        }
        if (response.Status >= StatusCodes.Status500InternalServerError)
            await store.ReleaseAsync(merchant.Id, key, claim, route, bodyHash, purchaseId, now);
        else
            // Not the request's token: the work is done, so a client hanging up now must not keep its
            // retry from getting the replay.
            await store.CompleteAsync(merchant.Id, key, claim, route, bodyHash, purchaseId, response, now, CancellationToken.None);
        return response;
    }

    /// <summary>Runs the handler and writes its result into memory, so the bytes stored for
    /// replays are exactly the bytes sent.</summary>
    private static async Task<StoredResponse> RunAndCaptureAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (await next(context) is not IResult result)
            throw new InvalidOperationException($"{http.Request.Path}: an idempotent route must return an IResult.");
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await result.ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var location = http.Response.Headers.Location.ToString();
        return new StoredResponse(http.Response.StatusCode, http.Response.ContentType, buffer.ToArray(), location.Length == 0 ? null : location);
    }
}

public static class IdempotencyEndpoints
{
    /// <summary>Gives a mutating merchant route the contract's Idempotency-Key semantics.</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>();
}
