using System.Security.Cryptography;
using System.Text;

namespace PledgFunctions.Money;

/// <summary>A movement's id is a hash of what it is: (purchase, type, the share that caused it, reason).
/// Each of these happens at most once per purchase (a share is charged once, reimbursed once,
/// refunded once per reason), so the id is stable across retries and crashes, and it doubles as
/// the gateway's idempotency key for a refund: a refund repeated after a crash is a no-op.</summary>
public static class PaymentIds
{
    public static string For(string purchaseId, string type, string causeRowKey, string reason) =>
        "pay_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{purchaseId}|{type}|{causeRowKey}|{reason}")))[..32];
}
