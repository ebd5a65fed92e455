using System.Security.Cryptography;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <summary>Event ids: <c>evt_</c> + the 32 hex digits of the purchase id + 16 random hex digits.
/// The purchase partition is in the id (as in the page tokens), so an event id alone leads to its
/// row with one point read and no index to keep in step. The id is not a secret: every read
/// through it still checks the merchant.</summary>
public static class EventIds
{
    private const string Prefix = "evt_";
    private const int PurchaseHex = 32;
    private const int RandomBytes = 8;

    public static string New(string purchaseId) =>
        Prefix + purchaseId[4..] + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes));

    public static bool TryParse(string? eventId, out string purchaseId)
    {
        purchaseId = "";
        if (eventId is not { Length: 4 + PurchaseHex + 2 * RandomBytes } || !eventId.StartsWith(Prefix, StringComparison.Ordinal)
            || eventId.AsSpan(Prefix.Length).ContainsAnyExcept("0123456789abcdef")) return false;
        purchaseId = "pur_" + eventId.Substring(Prefix.Length, PurchaseHex);
        return PurchaseKeys.IsPurchaseId(purchaseId);
    }
}
