using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>Applies <see cref="ContractSchemas"/> to the generated components and adds the enums,
/// the Problem body and the webhook event.</summary>
internal sealed class SchemaRules : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var referenced = new HashSet<string>();
        foreach (var (name, component) in document.Components.Schemas)
        {
            if (component is not OpenApiSchema schema || schema.Properties is null) continue;
            foreach (var property in schema.Properties.Keys.ToList())
            {
                var rule = ContractSchemas.BySchemaAndName.GetValueOrDefault((name, property)) ?? ContractSchemas.ByName.GetValueOrDefault(property);
                if (rule is null) continue;
                schema.Properties[property] = rule(schema.Properties[property], document);
                referenced.UnionWith(SchemaBuilders.ReferencedIds(schema.Properties[property]));
            }
            if (ContractSchemas.RequestRequired.TryGetValue(name, out var required))
            {
                schema.Required = new HashSet<string>(required);
                foreach (var property in required) schema.Properties[property] = SchemaBuilders.NotNull(schema.Properties[property]);
            }
            foreach (var property in ContractSchemas.RequestNeverNull.GetValueOrDefault(name, []))
                schema.Properties[property] = SchemaBuilders.NotNull(schema.Properties[property]);
        }
        foreach (var (name, schema) in ContractSchemas.Components(document))
            if (!ContractSchemas.OnlyWhenReferenced.Contains(name) || referenced.Contains(name)) document.Components.Schemas[name] = schema;
        foreach (var (name, description) in ContractSchemas.Descriptions)
            if (document.Components.Schemas.TryGetValue(name, out var described) && described is OpenApiSchema s) s.Description = description;
        return Task.CompletedTask;
    }
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
