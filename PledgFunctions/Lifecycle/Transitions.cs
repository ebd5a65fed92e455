using System.Text.Json;
using Azure.Data.Tables;
using PledgFunctions.Errors;
using PledgFunctions.Storage;

namespace PledgFunctions.Lifecycle;

/// <summary>Builds the entity-group transaction of each final transition. Each one replaces the
/// purchase row conditioned on the ETag it was read with (a concurrent writer makes the whole
/// batch fail with 412, nothing lands) and, when the merchant wants notifications, inserts the
/// outbox event in the same batch.</summary>
public static class Transitions
{
    /// <summary>INITIALIZED → FAILED. Unpaid shares fail with it; paid shares keep their state.</summary>
    public static FinalChange Fail(PurchaseEntity p, IEnumerable<ShareEntity> shares, string reason, DateTimeOffset completedAt, DateTimeOffset now)
    {
        p.State = PurchaseStates.Failed;
        p.FailureReason = reason;
        p.CompletedAt = completedAt;
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, p, p.ETag) };
        foreach (var share in shares.Where(s => s.State == PurchaseStates.Initialized))
        {
            share.State = PurchaseStates.Failed;
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, share, share.ETag));
        }
        return WithEvent(p, actions, now);
    }

    /// <summary>INITIALIZED → SUCCESSFULL, as part of the batch that records the last payment.</summary>
    public static void MarkSucceeded(PurchaseEntity p, DateTimeOffset now)
    {
        p.State = PurchaseStates.Succeeded;
        p.CompletedAt = now;
        p.FailureReason = null;
    }

    /// <summary>Adds the outbox event for a purchase that has just become final, if it has a notificationUrl.</summary>
    public static FinalChange WithEvent(PurchaseEntity p, List<TableTransactionAction> actions, DateTimeOffset now)
    {
        if (!PurchaseStates.IsFinal(p.State)) return new FinalChange(actions, null);
        return AddEvent(p, actions, p.State == PurchaseStates.Succeeded ? "purchase.succeeded" : "purchase.failed", now);
    }

    /// <summary>refundStatus pending → succeeded once every refund is made, with the purchase.refunded event.</summary>
    public static FinalChange Refunded(PurchaseEntity p, DateTimeOffset now)
    {
        p.RefundStatus = RefundStatuses.Succeeded;
        return AddEvent(p, [new(TableTransactionActionType.UpdateReplace, p, p.ETag)], RefundedEvent, now);
    }

    public const string RefundedEvent = "purchase.refunded";
    public const string PledgedEvent = "purchase.pledged";
    public const string SharePaidEvent = "share.paid";

    /// <summary>The organizer paid and named the pledgers: the purchase.pledged event joins the pledge's
    /// batch (before the final event of a purchase with no pledger, which the same batch may carry).</summary>
    public static void AddPledged(PurchaseEntity p, List<TableTransactionAction> actions, DateTimeOffset now) =>
        AddEvent(p, actions, PledgedEvent, now);

    /// <summary>A pledger paid: the share.paid event joins the payment's batch.</summary>
    public static void AddSharePaid(PurchaseEntity p, ShareEntity share, List<TableTransactionAction> actions, DateTimeOffset now) =>
        AddEvent(p, actions, SharePaidEvent, now, new EventShare(share.Email, share.Amount));

    private static FinalChange AddEvent(PurchaseEntity p, List<TableTransactionAction> actions, string type, DateTimeOffset now, EventShare? share = null)
    {
        if (string.IsNullOrEmpty(p.NotificationUrl)) return new FinalChange(actions, null);
        var id = EventIds.New(p.PartitionKey);
        var body = JsonSerializer.Serialize(new EventBody(id, type, now, PurchaseView.From(p, now), share), JsonBody.ResponseOptions);
        var evt = new EventEntity
        {
            PartitionKey = p.PartitionKey, RowKey = EventEntity.RowKeyFor(id), EventId = id, Type = type,
            MerchantId = p.MerchantId, NotificationUrl = p.NotificationUrl, CreatedAt = now, Body = body,
        };
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, evt));
        return new FinalChange(actions, evt);
    }
}

public sealed record FinalChange(List<TableTransactionAction> Actions, EventEntity? Event);

/// <summary>The contract's webhook payload.</summary>
public sealed record EventBody(string Id, string Type, DateTimeOffset CreatedAt, PurchaseView Data,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] EventShare? Share = null);

/// <summary>The share a share.paid event is about, beside its purchase.</summary>
public sealed record EventShare(string Email, long Amount);
