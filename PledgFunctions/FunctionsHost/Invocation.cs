using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PledgFunctions.FunctionsHost;

/// <summary>The body the Functions host POSTs for a non-HTTP trigger:
/// <c>{"Data": {"&lt;binding&gt;": value}, "Metadata": {...}}</c> (docs/azure-functions.md,
/// "Request payload"). Read as an untrusted hint: the handlers act only on what storage says.</summary>
public sealed class Invocation(JsonElement data, JsonElement metadata)
{
    /// <summary>Null when the body is not a JSON object with a <c>Data</c> object.</summary>
    public static async Task<Invocation?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGet(root, "Data", out var data) || data.ValueKind != JsonValueKind.Object)
                return null;
            var metadata = TryGet(root, "Metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m.Clone() : default;
            return new Invocation(data.Clone(), metadata);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The exact text of the queue message bound as <paramref name="binding"/>. The host
    /// puts a string there JSON-serialized, so it may arrive encoded twice (a JSON string whose
    /// content is a JSON string literal) or once; a message that is itself JSON may also arrive as
    /// an object. Null when there is no such binding.</summary>
    public string? QueueMessage(string binding = "message")
    {
        if (!TryGet(data, binding, out var value)) return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (!text.StartsWith('"')) return text;
                try { return JsonSerializer.Deserialize(text, InvocationJson.Default.String) ?? text; }
                catch (JsonException) { return text; }
            case JsonValueKind.Object or JsonValueKind.Array:
                return value.GetRawText();
            default:
                return null;
        }
    }

    /// <summary>"message 5c1a… (dequeue 2)" for the invocation log, from the queue trigger's metadata.</summary>
    public string DescribeQueueMessage()
    {
        var id = TryGet(metadata, "Id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : "?";
        var count = TryGet(metadata, "DequeueCount", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetRawText() : "?";
        return $"message {id} (dequeue {count})";
    }

    // The host writes these names in PascalCase; accept any casing.
    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object) return false;
        foreach (var property in element.EnumerateObject())
            if (property.NameEquals(name) || string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        return false;
    }
}

/// <summary>The answer the host reads (docs/azure-functions.md, "Response payload"): always a JSON
/// object, so even a failure leaves the host something it can parse. We declare no output
/// bindings; <c>Logs</c> go to the invocation log.</summary>
public sealed record InvocationResult(Dictionary<string, JsonElement> Outputs, List<string> Logs, JsonElement? ReturnValue)
{
    /// <summary>2xx: the host completes the invocation (and deletes a queue message). Anything else
    /// fails it: a queue message shows again after the visibility timeout and, after
    /// maxDequeueCount tries, goes to its -poison queue.</summary>
    public static JsonHttpResult<InvocationResult> Answer(int status, params string[] logs) =>
        TypedResults.Json(new InvocationResult([], [.. logs], null), InvocationJson.Default.InvocationResult, "application/json", status);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(InvocationResult))]
[JsonSerializable(typeof(string))]
internal sealed partial class InvocationJson : JsonSerializerContext;
