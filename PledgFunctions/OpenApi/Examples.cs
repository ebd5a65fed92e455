using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>An example on every request and response body: the example of its schema's component
/// (<see cref="SchemaExamples"/>) unless the operation has one of its own here, and for an error the
/// problem that status answers with its first code. Each is valid against its schema (the lint checks it).</summary>
internal sealed class Examples : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, (string? Request, string? Response)> ByOperation = new()
    {
        ["CancelPurchase"] = (null, Edit(SchemaExamples.Purchase, p =>
        {
            p["state"] = "FAILED";
            p["failureReason"] = "cancelled";
            p["completedAt"] = "2026-11-23T10:00:00Z";
        })),
        ["RefundPurchase"] = (null, Edit(SchemaExamples.Purchase, p =>
        {
            p["state"] = "SUCCESSFULL";
            p["completedAt"] = "2026-11-23T09:12:00Z";
            p["refundStatus"] = "pending";
        })),
        ["CreatePurchase"] = (null, Edit(SchemaExamples.Purchase, p =>
        {
            p["pledgerEmails"] = new JsonArray();
            p["collectedAmount"] = 0;
            p["deadline"] = "2026-11-24T18:00:00Z";
        })),
        ["EditPurchase"] = (null, Edit(SchemaExamples.Purchase, p =>
        {
            p["pledgerEmails"] = new JsonArray();
            p["collectedAmount"] = 0;
            p["reference"] = "order-123-b";
        })),
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ByOperation.TryGetValue(operation.OperationId ?? "", out var own);
        foreach (var (_, media) in operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
            media.Example ??= own.Request is not null ? JsonNode.Parse(own.Request) : ComponentExample(media);
        foreach (var (key, response) in operation.Responses ?? [])
        foreach (var (_, media) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
            media.Example ??= int.TryParse(key, out var status) && status >= 400 || key == "default"
                ? Problem(key == "default" ? 405 : int.Parse(key, System.Globalization.CultureInfo.InvariantCulture), response.Description)
                : own.Response is not null ? JsonNode.Parse(own.Response) : ComponentExample(media);
        return Task.CompletedTask;
    }

    private static JsonNode? ComponentExample(OpenApiMediaType media) =>
        media.Schema is OpenApiSchemaReference { Reference.Id: { } id } ? SchemaExamples.Node(id) : null;

    /// <summary>The problem of <paramref name="status"/> with the first code its description names.</summary>
    private static JsonNode Problem(int status, string? description)
    {
        var code = description?.Split('`') is { Length: >= 3 } parts ? parts[1] : ProblemCodes.DefaultFor(status).FirstOrDefault() ?? "method_not_allowed";
        var problem = new JsonObject
        {
            ["type"] = $"https://tools.ietf.org/html/rfc9110#section-15.{(status >= 500 ? 6 : 5)}.{(status >= 500 ? status - 499 : status - 399)}",
            ["title"] = ReasonPhrases.GetReasonPhrase(status) + ".",
            ["status"] = status,
            ["detail"] = Details.GetValueOrDefault(code, "See `code`."),
            ["code"] = code,
        };
        if (code == ProblemCodes.ValidationError) problem["errors"] = new JsonObject { ["amount"] = new JsonArray("Must be an integer from 1 to 100000000.") };
        if (code == ProblemCodes.CardDeclined) problem["errors"] = new JsonObject { ["card.number"] = new JsonArray("The card was declined.") };
        return problem;
    }

    private static readonly Dictionary<string, string> Details = new()
    {
        [ProblemCodes.ValidationError] = "amount: Must be an integer from 1 to 100000000.",
        [ProblemCodes.Unauthorized] = "Send a merchant API key as 'Authorization: Bearer <key>'.",
        [ProblemCodes.CardDeclined] = "The card was declined. Nothing was charged; try another card.",
        [ProblemCodes.NotFound] = "No purchase with this identifier.",
        [ProblemCodes.PurchaseNotModifiable] = "The purchase was already pledged: it can no longer be edited.",
        [ProblemCodes.ShareAlreadyPaid] = "This share has been paid already; nothing was charged.",
        [ProblemCodes.AlreadyRefunded] = "A refund of this purchase was already requested; its progress shows in refundStatus.",
        [ProblemCodes.IdempotencyKeyInUse] = "Another request with the same Idempotency-Key is still being processed; retry after a moment.",
        [ProblemCodes.PayloadTooLarge] = "Request bodies are limited to 65536 bytes.",
        [ProblemCodes.UnsupportedMediaType] = "Send the body as application/merge-patch+json or application/json.",
        [ProblemCodes.IdempotencyKeyReused] = "This Idempotency-Key was already used with a different request body or on another route.",
        [ProblemCodes.RateLimited] = "This client sent more requests than it may; retry after 1 s.",
        [ProblemCodes.StorageUnavailable] = "Table or Queue storage cannot be reached right now. Retry later.",
        [ProblemCodes.PaymentInterrupted] = "The payment could not be completed in time and was cancelled; nothing was charged. Please try again.",
        [ProblemCodes.InternalError] = "An unexpected error occurred; it has been logged.",
        [ProblemCodes.MethodNotAllowed] = "DELETE /api/purchases answered 405.",
    };

    private static string Edit(string json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }
}
