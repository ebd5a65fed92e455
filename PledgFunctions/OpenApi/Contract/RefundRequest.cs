namespace PledgFunctions.OpenApi.Contract;

/// <summary>The optional body of <c>POST /api/purchases/{id}/refund</c> (contract 1.1).</summary>
public sealed record RefundRequest(string? Reason);
