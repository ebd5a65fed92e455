namespace PledgFunctions.OpenApi.Contract;

/// <summary>A money movement of <c>GET /api/purchases/{id}/payments</c> (contract 1.1).
/// <c>type</c>: charge or refund; <c>reason</c>: pledge or share for a charge, reimbursement,
/// purchase_failed or merchant_refund for a refund.</summary>
public sealed record PaymentView(
    string Id, string Type, string Email, long Amount, string Currency, string Reason, string? CardLast4, DateTimeOffset CreatedAt);

/// <summary>The answer of <c>GET /api/purchases/{id}/payments</c>, oldest first.</summary>
public sealed record PaymentList(IReadOnlyList<PaymentView> Items);
