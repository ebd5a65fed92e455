namespace PledgFunctions.Purchases;

/// <summary>Endpoint metadata marking a mutating merchant call that takes the contract's optional
/// Idempotency-Key: the seam where the shared idempotency filter attaches to the refund route.</summary>
public sealed class MutatingMerchantCall
{
    public static readonly MutatingMerchantCall Instance = new();

    private MutatingMerchantCall() { }
}
