using System.Text;

namespace PledgFunctions.Storage;

/// <summary>Stores a text value of unbounded character mix as UTF-8 in binary properties of at
/// most <see cref="ChunkBytes"/> each. Table Storage caps a string property at 64 KiB of UTF-16
/// and JSON escaping multiplies some characters (an emoji is 4 bytes in a request but the
/// 12-character <c>\uD83D\uDE00</c> once serialized), so a cart well within the contract's limits
/// could not be one string property. UTF-8 in chunks fits whatever the characters: the callers
/// size their chunk count for the worst case of the contract's limits.</summary>
public static class Utf8Chunks
{
    /// <summary>Under Table Storage's 64 KiB limit for one binary property.</summary>
    public const int ChunkBytes = 64_000;

    /// <summary>Splits <paramref name="value"/> into exactly <paramref name="count"/> chunks (null
    /// when unused; all null for a null value).</summary>
    public static byte[]?[] Split(string? value, int count) => SplitBytes(value is null ? null : Encoding.UTF8.GetBytes(value), count);

    /// <summary>Splits <paramref name="bytes"/> into exactly <paramref name="count"/> chunks.</summary>
    public static byte[]?[] SplitBytes(byte[]? bytes, int count)
    {
        var chunks = new byte[]?[count];
        if (bytes is null) return chunks;
        if (bytes.Length > count * ChunkBytes)
            throw new InvalidOperationException($"A stored value of {bytes.Length} bytes exceeds its {count * ChunkBytes}-byte room.");
        chunks[0] = bytes[..Math.Min(bytes.Length, ChunkBytes)];
        for (var i = 1; i * ChunkBytes < bytes.Length; i++)
            chunks[i] = bytes[(i * ChunkBytes)..Math.Min(bytes.Length, (i + 1) * ChunkBytes)];
        return chunks;
    }

    /// <summary>The value <see cref="Split"/> stored, or null.</summary>
    public static string? Join(params byte[]?[] chunks)
    {
        if (chunks[0] is null) return null;
        var length = chunks.Sum(c => c?.Length ?? 0);
        var bytes = new byte[length];
        var at = 0;
        foreach (var chunk in chunks)
        {
            if (chunk is null) break;
            chunk.CopyTo(bytes, at);
            at += chunk.Length;
        }
        return Encoding.UTF8.GetString(bytes);
    }
}
