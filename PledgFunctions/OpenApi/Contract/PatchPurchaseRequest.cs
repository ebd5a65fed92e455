using PledgFunctions.Lifecycle;

namespace PledgFunctions.OpenApi.Contract;

/// <summary>The body of <c>PATCH /api/purchases/{id}</c> (contract 1.2): any of these fields; one
/// not given keeps its value, and <c>null</c> clears <c>cart</c>, <c>reference</c> or
/// <c>notificationUrl</c>. A C# record cannot tell "absent" from "null", so a handler reads the
/// JSON object itself; this record gives the document its shape.</summary>
public sealed record PatchPurchaseRequest(long? Amount, string? Currency, List<CartItem?>? Cart, string? Reference, string? NotificationUrl,
    bool? NotifyPledgers, string? Locale);
