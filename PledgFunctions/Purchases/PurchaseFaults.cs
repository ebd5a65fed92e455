namespace PledgFunctions.Purchases;

/// <summary>Fault-injection seam for tests: <see cref="AfterCommit"/> runs right after a merchant
/// write (cancel, edit, refund) landed, with the purchase id. Throwing a 412 there is what the storage
/// SDK's retry of a landed write looks like: the retry conflicts with the write it repeats.
/// <see cref="BeforeCancelCommit"/> holds a cancel between its nudge and its commit.
/// Null (no-op) outside tests.</summary>
public sealed class PurchaseFaults
{
    public Func<string, Task>? BeforeCancelCommit { get; set; }

    public Action<string>? AfterCommit { get; set; }
}
