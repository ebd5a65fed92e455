using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Money;

/// <summary>One money movement of the payments ledger, in its purchase's partition (RowKey
/// <c>payment-{paymentId}</c>). The id derives from what the movement is (see <see cref="PaymentIds"/>),
/// so inserting the same movement twice fails with 409 instead of listing it twice. A charge row
/// is inserted in the pledge's or payment's commit transaction, a refund row by the activity that
/// made the refund; each together with the purchase row's totals.</summary>
public sealed class PaymentEntity : ITableEntity
{
    public const string RowPrefix = "payment-";
    public const string Charge = "charge";
    public const string Refund = "refund";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PaymentId { get; set; } = "";
    public string Type { get; set; } = Charge;
    public string Reason { get; set; } = "";
    /// <summary>The share of the member whose card the money moved on (share-00 is the organizer's).</summary>
    public string ShareRowKey { get; set; } = "";
    /// <summary>The share whose payment or failure called for this movement (a reimbursement's pledger share).</summary>
    public string CauseRowKey { get; set; } = "";
    public string Email { get; set; } = "";
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string? CardLast4 { get; set; }
    public string ChargeId { get; set; } = "";
    /// <summary>The gateway's id of a refund; null on a charge and on a refused refund.</summary>
    public string? RefundId { get; set; }
    /// <summary>Null (rows written before it existed) or succeeded: the money moved. Failed: a refund
    /// the card network refused for good; no money moved, and it is never tried again.</summary>
    public string? Status { get; set; }
    /// <summary>The gateway's words for a refused refund.</summary>
    public string? FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static string RowKeyFor(string paymentId) => RowPrefix + paymentId;
}

public static class PaymentReasons
{
    public const string Pledge = "pledge";
    public const string Share = "share";
    public const string Reimbursement = "reimbursement";
    public const string PurchaseFailed = "purchase_failed";
    public const string MerchantRefund = "merchant_refund";
}

public static class PaymentFailures
{
    public const string RefundRefused = "refund_refused";
}
