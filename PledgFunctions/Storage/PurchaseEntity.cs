using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>The purchase row of a purchase partition (PartitionKey = purchase id, RowKey
/// <see cref="RowKey"/>). Shares, charge claims and outbox events live beside it in the same
/// partition so one entity-group transaction can change them together.</summary>
public sealed class PurchaseEntity : ITableEntity
{
    public const string Row = "purchase";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MerchantId { get; set; } = "";
    public string MerchantName { get; set; } = "";
    public string OrganizerEmail { get; set; } = "";
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    /// <summary>The cart as JSON, or null when the merchant sent none.</summary>
    public string? CartJson { get; set; }
    public string? Reference { get; set; }
    public string? NotificationUrl { get; set; }
    public string OrganizerToken { get; set; } = "";
    /// <summary>The public base URL at creation, so page links stay stable and background work
    /// (webhooks) can render them without a request.</summary>
    public string BaseUrl { get; set; } = "";

    public string State { get; set; } = PurchaseStates.Initialized;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset Deadline { get; set; }
    public DateTimeOffset? PledgedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? FailureReason { get; set; }
    public string? CancelReason { get; set; }

    /// <summary>Pledger emails in the order the organizer gave them, as JSON (empty until pledged).</summary>
    public string? PledgerEmailsJson { get; set; }
    /// <summary>Shares including the organizer's; 0 until pledged.</summary>
    public int ShareCount { get; set; }
    public int PaidShareCount { get; set; }
    /// <summary>The organizer's charge, so a retried pledge commit can recognise its own write.</summary>
    public string? OrganizerChargeId { get; set; }

    // The payments ledger's totals (rows payment-..), changed in the same transaction as each of
    // its rows, so collectedAmount is read from this row alone: ChargedAmount - RefundedAmount.
    public long ChargedAmount { get; set; }
    public long RefundedAmount { get; set; }
    /// <summary>Null, then pending once the merchant asks for a refund, succeeded once every refund is made.</summary>
    public string? RefundStatus { get; set; }
    public string? RefundReason { get; set; }
    /// <summary>Which refund request's commit landed: its orchestration acts, any other ends.</summary>
    public string? RefundRequestId { get; set; }
}

public static class PurchaseStates
{
    public const string Initialized = "INITIALIZED";
    public const string Succeeded = "SUCCESSFULL";
    public const string Failed = "FAILED";

    public static bool IsFinal(string state) => state is Succeeded or Failed;
}

public static class RefundStatuses
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
}

public static class FailureReasons
{
    public const string DeadlineExpired = "deadline_expired";
    public const string Cancelled = "cancelled";
}
