using System.Runtime.Serialization;
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
    /// <summary>The cart as JSON, or null when the merchant sent none. Stored as UTF-8 in
    /// <c>Cart0</c>..<c>Cart2</c> (see <see cref="Utf8Chunks"/>): 100 items of 200 characters
    /// escaped 6 bytes each come to about 126 KB.</summary>
    [IgnoreDataMember]
    public string? CartJson { get => Utf8Chunks.Join(Cart0, Cart1, Cart2); set => (Cart0, Cart1, Cart2) = Chunks3(value); }
    public byte[]? Cart0 { get; set; }
    public byte[]? Cart1 { get; set; }
    public byte[]? Cart2 { get; set; }
    public string? Reference { get; set; }
    public string? NotificationUrl { get; set; }
    /// <summary>Whether the service emails the organizer and the pledgers (contract 1.2); rows
    /// written before 1.2 have no such property and read as true, the contract's default.</summary>
    public bool NotifyPledgers { get; set; } = true;
    /// <summary>The language of the messages and the pages' texts: <see cref="Locales"/>.</summary>
    public string Locale { get; set; } = Locales.Default;
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

    /// <summary>Pledger emails in the order the organizer gave them, as JSON (empty until pledged).
    /// Stored as UTF-8 in <c>PledgerEmails0</c>: at most 20 addresses of 254 characters, about 31 KB
    /// escaped, which as UTF-16 text would brush the 64 KiB property limit.</summary>
    [IgnoreDataMember]
    public string? PledgerEmailsJson { get => Utf8Chunks.Join(PledgerEmails0); set => PledgerEmails0 = Utf8Chunks.Split(value, 1)[0]; }
    public byte[]? PledgerEmails0 { get; set; }
    /// <summary>Shares including the organizer's; 0 until pledged.</summary>
    public int ShareCount { get; set; }
    public int PaidShareCount { get; set; }
    /// <summary>The organizer's charge, so a retried pledge commit can recognise its own write.</summary>
    public string? OrganizerChargeId { get; set; }
    /// <summary>A random id of the merchant request (edit, cancel) that wrote the row last, so that
    /// request recognises its own write when a retry of it reports a conflict.</summary>
    public string? LastRequestId { get; set; }

    private static (byte[]?, byte[]?, byte[]?) Chunks3(string? value)
    {
        var c = Utf8Chunks.Split(value, 3);
        return (c[0], c[1], c[2]);
    }

    // The payments ledger's totals (rows payment-..), changed in the same transaction as each of
    // its rows, so collectedAmount is read from this row alone: ChargedAmount - RefundedAmount.
    public long ChargedAmount { get; set; }
    public long RefundedAmount { get; set; }
    /// <summary>The refunds the card network refused for good (failed payment rows): owed, never moved.</summary>
    public long RefusedRefundAmount { get; set; }
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

public static class Locales
{
    public const string Default = "en";
    public static readonly IReadOnlyList<string> Supported = ["en", "fr"];

    public static bool IsSupported(string? locale) => locale is not null && Supported.Contains(locale);
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
