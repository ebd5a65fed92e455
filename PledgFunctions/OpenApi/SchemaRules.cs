using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PledgFunctions.Hosting;

namespace PledgFunctions.OpenApi;

/// <summary>Applies <see cref="ContractSchemas"/> to the generated components, adds the enums, the
/// Problem body and (merchant document) the webhook events, describes every property
/// (<see cref="PropertyDocs"/>), gives every component its example (<see cref="SchemaExamples"/>),
/// and drops the shared components a document does not use.</summary>
internal sealed partial class SchemaRules : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, component) in document.Components.Schemas)
        {
            if (component is not OpenApiSchema schema || schema.Properties is null) continue;
            foreach (var property in schema.Properties.Keys.ToList())
            {
                var rule = ContractSchemas.BySchemaAndName.GetValueOrDefault((name, property)) ?? ContractSchemas.ByName.GetValueOrDefault(property);
                if (rule is not null) schema.Properties[property] = rule(schema.Properties[property], document);
            }
            if (ContractSchemas.RequestRequired.TryGetValue(name, out var required))
            {
                schema.Required = new HashSet<string>(required);
                foreach (var property in required) schema.Properties[property] = SchemaBuilders.NotNull(schema.Properties[property]);
            }
            foreach (var property in ContractSchemas.RequestNeverNull.GetValueOrDefault(name, []))
                schema.Properties[property] = SchemaBuilders.NotNull(schema.Properties[property]);
        }
        foreach (var (name, schema) in ContractSchemas.Components(document)) document.Components.Schemas[name] = schema;
        if (context.DocumentName != OpenApiSetup.PagesDocument)
            foreach (var (name, schema) in ContractSchemas.EventComponents(document)) document.Components.Schemas[name] = schema;

        foreach (var (name, component) in document.Components.Schemas)
        {
            if (component is not OpenApiSchema schema) continue;
            if (ContractSchemas.Descriptions.TryGetValue(name, out var description)) schema.Description = description;
            if (schema.Examples is not { Count: > 0 } && (SchemaExamples.Node(name) ?? schema.Enum?.FirstOrDefault()?.DeepClone()) is { } example)
                schema.Examples = [example];
            foreach (var (property, value) in schema.Properties?.ToList() ?? [])
                if (PropertyDocs.For(name, property) is { } text) schema.Properties![property] = SchemaBuilders.Describe(value, text);
        }
        await DropUnusedAsync(document);
    }

    /// <summary>Removes components nothing refers to (the enums of routes another document describes), until none is left.</summary>
    private static async Task DropUnusedAsync(OpenApiDocument document)
    {
        while (true)
        {
            var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);
            var referenced = Reference().Matches(json).Select(m => m.Groups[1].Value).ToHashSet();
            var unused = document.Components!.Schemas!.Keys.Where(k => !referenced.Contains(k)).ToList();
            if (unused.Count == 0) return;
            foreach (var name in unused) document.Components.Schemas.Remove(name);
        }
    }

    [GeneratedRegex("\"#/components/schemas/([^\"]+)\"")]
    private static partial Regex Reference();
}

/// <summary>Times are ISO 8601 strings; the custom UTC converter hides the type from the generator,
/// which then writes only the format.</summary>
internal sealed class DateTimeSchemas : IOpenApiSchemaTransformer
{
    /// <summary>"2026-11-22T18:00:00.1234567Z" is 28 characters.</summary>
    public const int MaxLength = 40;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type != typeof(DateTimeOffset) && type != typeof(DateTimeOffset?)) return Task.CompletedTask;
        schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
        schema.Format = "date-time";
        schema.MaxLength = MaxLength;
        return Task.CompletedTask;
    }
}
