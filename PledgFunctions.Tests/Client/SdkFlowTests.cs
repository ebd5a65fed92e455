using PledgFunctions.Client;
using PledgFunctions.Client.Generated.Models;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Client;

/// <summary>The merchant's and the pages' flows driven through the generated SDK against the real
/// service: any drift between the document and what the service answers fails here.</summary>
public sealed class SdkFlowTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly SdkSteps _sdk = new(fixture.Service);

    [Fact]
    public async Task APurchaseIsCreatedReadListedPledgedAndPaidThroughTheSdk()
    {
        var organizer = $"alice-{Guid.NewGuid():N}@example.com";
        var created = await _sdk.CreateAsync(SdkSteps.NewPurchase(9000, organizer));
        Assert.Equal(PurchaseState.INITIALIZED, created.State);
        Assert.Equal(9000, created.Amount);
        Assert.Equal(Currency.EUR, created.Currency);
        Assert.Null(created.FailureReason);
        Assert.Null(created.CompletedAt);

        var read = await _sdk.GetAsync(created.Id!);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(created.Deadline, read.Deadline);
        Assert.Equal(PurchaseState.INITIALIZED, await _sdk.StatusAsync(created.Id!));
        var listed = await _sdk.ListAsync(organizer, limit: 10);
        Assert.Equal(created.Id, Assert.Single(listed.Items!).Id);
        Assert.Null(listed.NextCursor);

        var checkout = await _sdk.CheckoutAsync(created);
        Assert.Equal(9000, checkout.Amount);
        Assert.Empty(checkout.Shares);

        var pledged = await _sdk.PledgeAsync(created, ["bob@example.com", "carol@example.com"]);
        Assert.Equal("INITIALIZED", pledged.State);
        Assert.Equal([3000L, 3000L, 3000L], pledged.Shares.Select(s => s.Amount));
        Assert.Null(pledged.Shares[0].ShareUrl);

        var bob = pledged.Shares[1];
        var share = await _sdk.ShareAsync(bob);
        Assert.Equal((bob.Email, 3000L, "INITIALIZED"), (share.Email, share.Amount, share.State));
        Assert.Equal("INITIALIZED", (await _sdk.PayAsync(bob)).PurchaseState);
        var last = await _sdk.PayAsync(pledged.Shares[2]);
        Assert.Equal(("SUCCESSFULL", "SUCCESSFULL"), (last.State, last.PurchaseState));

        var done = await _sdk.GetAsync(created.Id!);
        Assert.Equal(PurchaseState.SUCCESSFULL, done.State);
        Assert.NotNull(done.CompletedAt);
        Assert.Equal(["bob@example.com", "carol@example.com"], done.PledgerEmails);
    }

    [Fact]
    public async Task ACancelledPurchaseIsFailedAndCancellingAgainThrowsPurchaseNotModifiable()
    {
        var purchase = await _sdk.CreateAsync();
        var cancelled = await _sdk.CancelAsync(purchase.Id!, "customer changed their mind");
        Assert.Equal((PurchaseState.FAILED, FailureReason.Cancelled), (cancelled.State!.Value, cancelled.FailureReason!.Value));

        var again = await Assert.ThrowsAsync<Problem>(() => _sdk.CancelAsync(purchase.Id!));
        Assert.Equal(409, again.ResponseStatusCode);
        Assert.Equal("purchase_not_modifiable", again.Code);
        await (await _sdk.TryPledgeAsync(purchase, [])).AssertProblemAsync(System.Net.HttpStatusCode.Conflict, "purchase_not_modifiable");
    }

    [Fact]
    public async Task APurchaseWithoutPledgersSucceedsAtOnceAndItsEventIsListed()
    {
        var request = SdkSteps.NewPurchase();
        request.NotificationUrl = "http://127.0.0.1:9/pledg-events"; // nothing listens: the event stays listed as pending or retried
        var purchase = await _sdk.CreateAsync(request);
        var pledged = await _sdk.PledgeAsync(purchase, []);
        Assert.Equal("SUCCESSFULL", pledged.State);
        var events = await _sdk.EventsAsync(purchase.Id!);
        // The pledge is announced too (purchase.pledged, contract 1.2), in the same transaction.
        Assert.Equal(2, events.Items!.Count);
        Assert.Single(events.Items!, e => e.Type == PledgWebhooks.EventTypes.PurchaseSucceeded);
    }

    [Fact]
    public async Task APurchaseIsEditedPaidRefundedAndItsPaymentsListedThroughTheSdk()
    {
        var created = await _sdk.CreateAsync(SdkSteps.NewPurchase(9000));
        var edited = await _sdk.Merchant.Api.Purchases[created.Id!].PatchAsync(new PatchPurchaseRequest { Reference = "order-edited" });
        Assert.Equal((9000L, "order-edited"), (edited!.Amount!.Value, edited.Reference));

        var pledged = await _sdk.PledgeAsync(edited, ["bob@example.com"]);
        await _sdk.PayAsync(pledged.Shares[1]);
        var paid = await Eventually.ReturnsAsync(() => _sdk.Merchant.Api.Purchases[created.Id!].Payments.GetAsync()!,
            p => p!.Items!.Count == 3, TimeSpan.FromSeconds(60), "pledge, share and reimbursement listed");
        Assert.Equal([PaymentType.Charge, PaymentType.Charge, PaymentType.Refund], paid!.Items!.Select(p => p.Type!.Value));

        var refunding = await _sdk.Merchant.Api.Purchases[created.Id!].Refund.PostAsync(new RefundPurchaseRequest { Reason = "returned" });
        Assert.Equal(PurchaseState.SUCCESSFULL, refunding!.State);
        var refunded = await Eventually.ReturnsAsync(() => _sdk.GetAsync(created.Id!), p => p.RefundStatus == RefundStatus.Succeeded,
            TimeSpan.FromSeconds(60), "merchant refund made");
        Assert.Equal(0, refunded.CollectedAmount);
        var again = await Assert.ThrowsAsync<Problem>(() => _sdk.Merchant.Api.Purchases[created.Id!].Refund.PostAsync(new RefundPurchaseRequest()));
        Assert.Equal("already_refunded", again.Code);
    }
}
