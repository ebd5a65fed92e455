using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>Small constructors and edits for the schemas the contract rules write.</summary>
internal static class SchemaBuilders
{
    public delegate IOpenApiSchema Rule(IOpenApiSchema generated, OpenApiDocument document);

    /// <summary>A reference to a component; a nullable property becomes <c>oneOf: [ref, null]</c>.</summary>
    public static Rule Ref(string component) => (generated, document) =>
    {
        var reference = new OpenApiSchemaReference(component, document);
        var nullable = generated.Type?.HasFlag(JsonSchemaType.Null) == true || generated.OneOf?.Any(o => o.Type == JsonSchemaType.Null) == true;
        return nullable ? new OpenApiSchema { OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }] } : reference;
    };

    public static IEnumerable<string> ReferencedIds(IOpenApiSchema schema) => schema switch
    {
        OpenApiSchemaReference { Reference.Id: { } id } => [id],
        OpenApiSchema { OneOf: { } oneOf } => oneOf.SelectMany(ReferencedIds),
        _ => [],
    };

    public static Rule Integer(long minimum, long maximum) => Edit(s =>
    {
        s.Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        s.Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture);
    });

    public static Rule Text(int maxLength, int minLength = 0, string? format = null, string? pattern = null) => Edit(s =>
    {
        s.MaxLength = maxLength;
        if (minLength > 0) s.MinLength = minLength;
        if (format is not null) s.Format = format;
        if (pattern is not null) s.Pattern = pattern;
    });

    public static Rule EmailAddress() => Text(254, format: "email");

    public static Rule Url() => Text(2048, format: "uri");

    /// <summary>An array of at most <paramref name="maxItems"/>, its items edited by <paramref name="items"/> if given.</summary>
    public static Rule List(int maxItems, Rule? items = null) => (generated, document) =>
    {
        if (generated is not OpenApiSchema s) return generated;
        s.MaxItems = maxItems;
        if (items is not null && s.Items is not null) s.Items = items(s.Items, document);
        return s;
    };

    public static Rule OneOf(params string[] values) => Edit(s =>
    {
        s.Type = JsonSchemaType.String;
        s.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
    });

    private static Rule Edit(Action<OpenApiSchema> edit) => (generated, _) =>
    {
        if (generated is OpenApiSchema s) edit(s);
        return generated;
    };

    public static OpenApiSchema StringEnum(string description, IEnumerable<string> values) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))],
    };

    public static OpenApiSchema String(int maxLength, string? description = null, string? format = null) =>
        new() { Type = JsonSchemaType.String, MaxLength = maxLength, Description = description, Format = format };

    /// <summary>Sets the description of a property, beside a <c>$ref</c> too (OpenAPI 3.1 allows it).</summary>
    public static IOpenApiSchema Describe(IOpenApiSchema schema, string description)
    {
        switch (schema)
        {
            case OpenApiSchemaReference reference: reference.Description = description; break;
            case OpenApiSchema s: s.Description = description; break;
        }
        return schema;
    }

    /// <summary>A required property is present and never null: drops <c>null</c> from its type or its <c>oneOf</c>.</summary>
    public static IOpenApiSchema NotNull(IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema s) return schema;
        if (s.OneOf is { Count: 2 } oneOf && oneOf.FirstOrDefault(o => o.Type != JsonSchemaType.Null) is OpenApiSchemaReference reference)
            return reference;
        if (s.Type is { } type) s.Type = type & ~JsonSchemaType.Null;
        return s;
    }
}
