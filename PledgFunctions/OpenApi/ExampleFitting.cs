using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PledgFunctions.OpenApi;

/// <summary>Examples show exactly the fields their schema has: a field an example names that the
/// schema does not (the examples are written once for the whole contract, a document may describe
/// fewer fields) is dropped from it, in components, bodies and webhooks alike. Runs last.</summary>
internal sealed class ExampleFitting : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (_, component) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            foreach (var example in component.Examples ?? []) Fit(example, component, document, 0);
        var items = (document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>()).Concat(document.Webhooks?.Values ?? Enumerable.Empty<IOpenApiPathItem>());
        var operations = items.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>());
        foreach (var operation in operations)
        {
            var bodies = (operation.RequestBody?.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>())
                .Concat((operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).SelectMany(r => r.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>()));
            foreach (var media in bodies)
                if (media.Example is not null && media.Schema is not null) Fit(media.Example, media.Schema, document, 0);
        }
        return Task.CompletedTask;
    }

    private static void Fit(JsonNode? example, IOpenApiSchema schema, OpenApiDocument document, int depth)
    {
        if (example is null || depth > 16) return;
        var parts = Parts(schema, document).ToList();
        switch (example)
        {
            case JsonObject obj:
                var properties = parts.SelectMany(p => p.Properties ?? new Dictionary<string, IOpenApiSchema>()).ToList();
                if (properties.Count == 0) return;
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    var property = properties.FirstOrDefault(p => p.Key == name).Value;
                    if (property is null) obj.Remove(name);
                    else Fit(obj[name], property, document, depth + 1);
                }
                break;
            case JsonArray array when parts.FirstOrDefault(p => p.Items is not null)?.Items is { } items:
                foreach (var item in array) Fit(item, items, document, depth + 1);
                break;
        }
    }

    /// <summary>The schema itself, what it refers to, and the parts of its allOf/oneOf.</summary>
    private static IEnumerable<IOpenApiSchema> Parts(IOpenApiSchema schema, OpenApiDocument document)
    {
        if (schema is OpenApiSchemaReference { Reference.Id: { } id })
        {
            if (document.Components?.Schemas?.TryGetValue(id, out var target) == true) foreach (var p in Parts(target, document)) yield return p;
            yield break;
        }
        yield return schema;
        foreach (var part in (schema.AllOf ?? []).Concat(schema.OneOf ?? []))
            foreach (var p in Parts(part, document)) yield return p;
    }
}
