using System.Buffers.Text;
using System.Security.Cryptography;

namespace PledgFunctions.Storage;

/// <summary>Purchase ids and the secret page tokens.
/// A purchase id is <c>pur_</c> + 32 hex digits: 12 of them the inverted creation millisecond, so
/// ids sort newest first as RowKeys of the merchant index, and 20 random.
/// A token is base64url(16 id bytes [+ share index] + 16 random bytes): 128 secret bits, and
/// the purchase partition it belongs to, so finding its purchase is a point read with no token
/// table to keep in step. The secret part is compared in constant time with the stored token.</summary>
public static class PurchaseKeys
{
    private const string Prefix = "pur_";
    private const int IdBytes = 16;
    private const int SecretBytes = 16;
    private const long MaxMillis = 0xFFFF_FFFF_FFFF;

    public static string NewPurchaseId(DateTimeOffset now)
    {
        Span<byte> id = stackalloc byte[IdBytes];
        var inverted = MaxMillis - now.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--) { id[i] = (byte)inverted; inverted >>= 8; }
        RandomNumberGenerator.Fill(id[6..]);
        return Prefix + Convert.ToHexStringLower(id);
    }

    /// <summary>The creation time a purchase id carries (to the millisecond), or null for a string
    /// that is not one.</summary>
    public static DateTimeOffset? CreatedAt(string purchaseId)
    {
        if (!IsPurchaseId(purchaseId)) return null;
        var inverted = Convert.ToInt64(purchaseId.Substring(Prefix.Length, 12), 16);
        return DateTimeOffset.FromUnixTimeMilliseconds(MaxMillis - inverted);
    }

    public static bool IsPurchaseId(string? value) =>
        value is { Length: 36 } && value.StartsWith(Prefix, StringComparison.Ordinal)
        && value.AsSpan(4).ContainsAnyExcept("0123456789abcdef") == false;

    public static string NewOrganizerToken(string purchaseId) => NewToken(purchaseId, shareIndex: null);

    public static string NewShareToken(string purchaseId, int shareIndex) => NewToken(purchaseId, shareIndex);

    public static bool TryParseOrganizerToken(string? token, out string purchaseId) =>
        TryParse(token, IdBytes + SecretBytes, out purchaseId, out _);

    public static bool TryParseShareToken(string? token, out string purchaseId, out int shareIndex) =>
        TryParse(token, IdBytes + 1 + SecretBytes, out purchaseId, out shareIndex);

    /// <summary>Constant-time, so response timing does not reveal how much of a guess was right.</summary>
    public static bool TokenEquals(string? stored, string presented) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(stored), System.Text.Encoding.ASCII.GetBytes(presented));

    private static string NewToken(string purchaseId, int? shareIndex)
    {
        var length = IdBytes + (shareIndex is null ? 0 : 1) + SecretBytes;
        Span<byte> raw = stackalloc byte[length];
        Convert.FromHexString(purchaseId.AsSpan(Prefix.Length), raw[..IdBytes], out _, out _);
        if (shareIndex is int index) raw[IdBytes] = checked((byte)index);
        RandomNumberGenerator.Fill(raw[(length - SecretBytes)..]);
        return Base64Url.EncodeToString(raw);
    }

    private static bool TryParse(string? token, int expectedBytes, out string purchaseId, out int shareIndex)
    {
        purchaseId = "";
        shareIndex = 0;
        if (token is null || token.Length > 64) return false;
        Span<byte> raw = stackalloc byte[48];
        // DecodeFromChars reports invalid characters as a status; TryDecodeFromChars throws on them
        // (its "Try" is only about the destination's size), which made a mistyped link a 500.
        if (Base64Url.DecodeFromChars(token, raw, out _, out var written) != System.Buffers.OperationStatus.Done || written != expectedBytes)
            return false;
        purchaseId = Prefix + Convert.ToHexStringLower(raw[..IdBytes]);
        if (expectedBytes > IdBytes + SecretBytes) shareIndex = raw[IdBytes];
        return true;
    }
}
