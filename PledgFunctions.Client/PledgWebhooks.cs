using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Kiota.Serialization.Json;
using PledgFunctions.Client.Generated.Models;

namespace PledgFunctions.Client;

/// <summary>Verifies and reads the events the service POSTs to a notificationUrl (docs/webhooks.md):
/// <c>Pledg-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;raw body&gt;"&gt;</c>
/// keyed with the merchant's webhook secret. Check the raw bytes before parsing them.</summary>
public static class PledgWebhooks
{
    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "Pledg-Signature";

    /// <summary>The event types known today. <c>type</c> is an open set: a receiver answers 2xx to a type it does not know.</summary>
    public static class EventTypes
    {
        /// <summary>Every share is paid: the purchase is SUCCESSFULL.</summary>
        public const string PurchaseSucceeded = "purchase.succeeded";
        /// <summary>The purchase FAILED (deadline or cancel); every payment is refunded.</summary>
        public const string PurchaseFailed = "purchase.failed";
        /// <summary>A merchant refund has completed.</summary>
        public const string PurchaseRefunded = "purchase.refunded";
        /// <summary>The organizer paid and named the pledgers.</summary>
        public const string PurchasePledged = "purchase.pledged";
        /// <summary>A pledger paid: <see cref="PurchaseEvent.Share"/> says who and how much.</summary>
        public const string SharePaid = "share.paid";
    }

    /// <summary>How far the signature's time may be from now: replays of an old delivery are refused.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>True when <paramref name="signatureHeader"/> signs exactly <paramref name="rawBody"/> with
    /// <paramref name="secret"/> and its time is within <paramref name="tolerance"/> of <paramref name="time"/>'s now.</summary>
    public static bool Verify(string? signatureHeader, ReadOnlySpan<byte> rawBody, string secret, TimeProvider? time = null, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (!TryParse(signatureHeader, out var timestamp, out var signatures)) return false;
        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - timestamp) > (tolerance ?? DefaultTolerance).TotalSeconds) return false;

        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(signed, 0);
        rawBody.CopyTo(signed.AsSpan(prefix.Length));
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        // Constant time: how much of a forged signature matched must not show in the timing.
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected));
    }

    /// <summary>Verifies, then parses the event; throws <see cref="InvalidDataException"/> when the signature does not hold.</summary>
    public static async Task<PurchaseEvent> ReadEventAsync(string? signatureHeader, byte[] rawBody, string secret,
        TimeProvider? time = null, TimeSpan? tolerance = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        if (!Verify(signatureHeader, rawBody, secret, time, tolerance))
            throw new InvalidDataException($"The {SignatureHeader} header does not sign this body with this secret, or is too old.");
        using var stream = new MemoryStream(rawBody, writable: false);
        var node = await new JsonParseNodeFactory().GetRootParseNodeAsync("application/json", stream, cancellationToken);
        return node.GetObjectValue(PurchaseEvent.CreateFromDiscriminatorValue);
    }

    /// <summary><c>t=…,v1=…[,v1=…]</c>; several v1 entries let the secret be rotated.</summary>
    private static bool TryParse(string? header, out long timestamp, out List<byte[]> signatures)
    {
        timestamp = 0;
        signatures = [];
        if (string.IsNullOrEmpty(header) || header.Length > 1024) return false;
        var hasTime = false;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
                hasTime = long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
            else if (part.StartsWith("v1=", StringComparison.Ordinal) && part.Length == 3 + 64)
            {
                try { signatures.Add(Convert.FromHexString(part.AsSpan(3))); }
                catch (FormatException) { return false; }
            }
        }
        return hasTime && signatures.Count > 0;
    }
}
