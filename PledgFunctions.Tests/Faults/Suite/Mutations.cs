using System.Text;
using System.Text.Json.Nodes;

namespace PledgFunctions.Faults;

/// <summary>Seeded random damage to valid request bodies and headers: missing fields, wrong JSON
/// types, huge and fractional numbers, strings where objects belong, deep nesting, broken JSON,
/// stray bytes, bodies past the size limit, odd content types, keys and header bytes.</summary>
public static class Mutations
{
    private const string RawMarker = "__raw_";

    /// <summary>Literals System.Text.Json.Nodes cannot hold, spliced into the text after serialization.</summary>
    private static readonly string[] RawValues =
    [
        "9223372036854775808", "-9223372036854775809", "1e400", "-0", "01", "NaN", "Infinity", "1.0", "12000.000000000001",
        "\"\\ud800\"", "\"\\x41\"", "\"tab\there\"", "\"\\u0000\"", "[" + new string('[', 200) + new string(']', 200) + "]",
    ];

    public static T Pick<T>(Random r, params T[] options) => options[r.Next(options.Length)];

    public static byte[] Body(JsonNode valid, Random r)
    {
        var node = valid.DeepClone();
        var raws = new List<string>();
        var steps = r.Next(1, 4);
        for (var i = 0; i < steps; i++) node = MutateTree(node, r, raws);
        var text = node?.ToJsonString() ?? "null";
        for (var i = 0; i < raws.Count; i++) text = text.Replace($"\"{RawMarker}{i}\"", raws[i], StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        return r.NextDouble() < 0.35 ? MutateText(bytes, r) : bytes;
    }

    private static JsonNode? MutateTree(JsonNode? root, Random r, List<string> raws)
    {
        if (root is null || r.NextDouble() < 0.05) return Weird(r, raws);
        var slots = Slots(root).ToList();
        if (slots.Count == 0) return root;
        var (parent, key) = slots[r.Next(slots.Count)];
        switch (r.Next(5))
        {
            case 0 when parent is JsonObject o: o.Remove((string)key); break;
            case 1 when parent is JsonObject o: o["x" + r.Next(1000)] = Weird(r, raws); break;
            case 2 when parent is JsonArray a: for (var i = r.Next(20, 150); i > 0; i--) a.Add(a[0]?.DeepClone()); break;
            case 3 when parent is JsonObject o: // same field, other case: must still be read case-insensitively or refused
                var value = o[(string)key]?.DeepClone();
                o.Remove((string)key);
                o[((string)key).ToUpperInvariant()] = value;
                break;
            default: Set(parent, key, Weird(r, raws)); break;
        }
        return root;
    }

    private static IEnumerable<(JsonNode Parent, object Key)> Slots(JsonNode node)
    {
        if (node is JsonObject o)
            foreach (var (name, child) in o.ToList())
            {
                yield return (o, name);
                if (child is not null) foreach (var slot in Slots(child)) yield return slot;
            }
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
            {
                yield return (a, i);
                if (a[i] is { } child) foreach (var slot in Slots(child)) yield return slot;
            }
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }

    private static JsonNode? Weird(Random r, List<string> raws)
    {
        switch (r.Next(26))
        {
            case 0: return null;
            case 1: return "";
            case 2: return "   ";
            case 3: return new string('x', r.Next(300, 70_000));
            case 4: return "\u0000\u001f";
            case 5: return "😀 é ß \u202e";
            case 6: return 0;
            case 7: return -1;
            case 8: return 1.5;
            case 9: return 1e308;
            case 10: return long.MaxValue;
            case 11: return long.MinValue;
            case 12: return true;
            case 13: return new JsonArray();
            case 14: return new JsonObject();
            case 15: return "12000";
            case 16: return 100_000_001;
            case 17: return "not-an-email";
            case 18: return "4242424242424241";
            case 19: return int.MaxValue;
            case 20: return "eur";
            case 21: return "javascript:alert(1)";
            case 22: return new JsonArray(1, "two", null, new JsonObject());
            default:
                raws.Add(RawValues[r.Next(RawValues.Length)]);
                return RawMarker + (raws.Count - 1);
        }
    }

    public static byte[] MutateText(byte[] bytes, Random r)
    {
        var list = bytes.ToList();
        switch (r.Next(12))
        {
            case 0: return bytes[..r.Next(bytes.Length)];                                  // truncated
            case 1: list.Insert(r.Next(list.Count), (byte)r.Next(256)); break;             // a stray byte
            case 2: if (list.Count > 0) list[r.Next(list.Count)] = (byte)r.Next(256); break;
            case 3: if (list.Count > 0) list.RemoveAt(r.Next(list.Count)); break;
            case 4: return [0xEF, 0xBB, 0xBF, .. bytes];                                   // UTF-8 BOM
            case 5: return [0xFF, 0xFE, .. bytes];                                         // not UTF-8 at all
            case 6: return Encoding.UTF8.GetBytes("/* comment */" + Encoding.UTF8.GetString(bytes));
            case 7: return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).TrimEnd('}') + ",}");
            case 8: return Encoding.UTF8.GetBytes(Pick(r, "", " \n\t", "null", "[]", "\"text\"", "123", "{}", "true", "{\"a\":1,\"a\":2}"));
            case 9: return [.. Encoding.UTF8.GetBytes(new string(' ', r.Next(60_000, 200_000))), .. bytes]; // past the 64 KB limit
            case 10: return Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000));
            default: return [.. bytes, .. bytes];                                          // two documents
        }
        return [.. list];
    }

    public static string? ContentType(Random r) => r.Next(10) switch
    {
        < 6 => "application/json",
        6 => null,
        7 => "text/plain",
        8 => "application/json; charset=utf-16",
        _ => Pick(r, "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/xml", "*/*", "application/json; q=é"),
    };

    public static string? Authorization(Random r, string validKey) => r.Next(12) switch
    {
        < 8 => "Bearer " + validKey,
        8 => null,
        9 => "Bearer " + validKey[..^1] + "X",
        10 => "Basic dXNlcjpwYXNzd29yZA==",
        _ => Pick(r, "Bearer", "Bearer ", "bearer " + validKey, "Bearer " + new string('k', 600), "Bearer ключ", "Bearer \u0001"),
    };

    public static string? IdempotencyKey(Random r) => r.Next(8) switch
    {
        < 4 => null,
        4 => "mal-" + r.NextInt64().ToString("x"),
        5 => "",
        6 => new string('k', 256),
        _ => Pick(r, "has space", "ключ", "tab\tkey", "\u007f"),
    };

    /// <summary>A path segment as a hostile client might send it instead of a real id or token.</summary>
    public static string Segment(string valid, Random r) => r.Next(10) switch
    {
        < 6 => valid,
        6 => valid[..^1] + (valid[^1] == 'A' ? 'B' : 'A'),
        7 => Uri.EscapeDataString(Pick(r, "..", "%00", "'; DROP TABLE", "ü", "a b", "pur_" + new string('0', 32))),
        8 => new string('A', r.Next(1, 3000)),
        _ => valid.ToUpperInvariant(),
    };
}
