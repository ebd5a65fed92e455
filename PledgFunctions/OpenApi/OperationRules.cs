using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using static PledgFunctions.OpenApi.SchemaBuilders;

namespace PledgFunctions.OpenApi;

/// <summary>Per operation: who may call it, every status it can answer (problem+json with the
/// codes of that status), the contract's headers and typed parameters. What a route answers
/// beyond the common statuses comes from its metadata lines in the *Api.cs files.</summary>
internal sealed class OperationRules : IOpenApiOperationTransformer
{
    public const string MerchantScheme = "merchantApiKey";

    private static readonly Dictionary<string, Rule> Parameters = new()
    {
        ["limit"] = (_, _) => new OpenApiSchema
        {
            Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "100", Default = 20,
        },
        ["state"] = Ref("PurchaseState"),
        ["organizerEmail"] = SchemaBuilders.Email(),
        ["cursor"] = Text(128),
        ["id"] = Text(64),
        ["eventId"] = Text(64),
        ["organizerToken"] = Text(64, pattern: "^[A-Za-z0-9_-]+$"),
        ["shareToken"] = Text(64, pattern: "^[A-Za-z0-9_-]+$"),
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var merchant = metadata.OfType<IAuthorizeData>().Any();
        var idempotent = metadata.OfType<IdempotencyKeyMetadata>().Any();

        // Hosted-page and operations routes are anonymous by design: the token in the path is the credential.
        operation.Security = merchant ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(MerchantScheme, document)] = [] }] : [];

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            if (parameter.Schema is not null && Parameters.TryGetValue(parameter.Name!, out var rule)) parameter.Schema = rule(parameter.Schema, document);
        if (idempotent) (operation.Parameters ??= []).Add(IdempotencyKey());

        var responses = operation.Responses ??= new OpenApiResponses();
        if (merchant) Ensure(responses, StatusCodes.Status401Unauthorized);
        if (operation.RequestBody is not null)
        {
            Ensure(responses, StatusCodes.Status400BadRequest);
            Ensure(responses, StatusCodes.Status413PayloadTooLarge);
        }
        Ensure(responses, StatusCodes.Status429TooManyRequests);
        Ensure(responses, StatusCodes.Status503ServiceUnavailable);

        foreach (var (key, response) in responses.ToList())
        {
            if (response is not OpenApiResponse r || !int.TryParse(key, out var status)) continue;
            if (status >= 400) DescribeProblem(r, status, CodesFor(metadata, status), document);
            if (status == StatusCodes.Status201Created || metadata.OfType<LocationHeaderMetadata>().Any(l => l.Status == status))
                AddHeader(r, "Location", "The created resource's path.", Text(2048)(new OpenApiSchema { Type = JsonSchemaType.String }, document));
            if (idempotent && (status < 300 || status == StatusCodes.Status409Conflict))
                AddHeader(r, "Idempotent-Replayed", "`true` when this is the stored first response to the same Idempotency-Key.",
                    OneOf("true")(new OpenApiSchema(), document));
        }
        return Task.CompletedTask;
    }

    private static string[] CodesFor(IList<object> metadata, int status)
    {
        var declared = metadata.OfType<ProblemCodesMetadata>().Where(m => m.Status == status && m.Codes.Length > 0).SelectMany(m => m.Codes).Distinct().ToArray();
        return declared.Length > 0 ? declared : ProblemCodes.DefaultFor(status);
    }

    private static void Ensure(OpenApiResponses responses, int status) =>
        responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse());

    private static void DescribeProblem(OpenApiResponse response, int status, string[] codes, OpenApiDocument document)
    {
        response.Description = codes.Length == 0
            ? ReasonPhrases.GetReasonPhrase(status)
            : $"{ReasonPhrases.GetReasonPhrase(status)}: {string.Join(" or ", codes.Select(c => $"`{c}`"))}.";
        response.Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("Problem", document) },
        };
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable || codes.Contains(ProblemCodes.IdempotencyKeyInUse))
            AddHeader(response, "Retry-After", "Seconds to wait before retrying.",
                new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = "86400" });
    }

    private static void AddHeader(OpenApiResponse response, string name, string description, IOpenApiSchema schema)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = schema };
    }

    private static OpenApiParameter IdempotencyKey() => new()
    {
        Name = "Idempotency-Key",
        In = ParameterLocation.Header,
        Description = "Optional; scoped to the merchant and kept at least 24 h. The same key with the same route and body bytes " +
                      "replays the first response (with `Idempotent-Replayed: true`) and does nothing again; with another body " +
                      "or route it answers 422 `idempotency_key_reused`; while the first request is in flight, 409 `idempotency_key_in_use`.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255, Pattern = "^[!-~]{1,255}$" },
    };
}
