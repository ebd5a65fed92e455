using System.Text;
using Microsoft.Extensions.Time.Testing;
using PledgFunctions.Client;
using PledgFunctions.Client.Generated.Models;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Tests.Client;

/// <summary>The SDK's verification accepts exactly what the service's signer produces.</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test_merchant_a_0123456789";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 18, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"id":"evt_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f0123456789abcdef","type":"purchase.succeeded","createdAt":"2026-11-22T18:00:00Z",
         "data":{"id":"pur_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f","state":"SUCCESSFULL","paymentUrl":"http://localhost:7071/pay/x",
         "organizerEmail":"alice@example.com","pledgerEmails":[],"amount":12000,"currency":"EUR","cart":null,"reference":null,
         "createdAt":"2026-11-22T17:00:00Z","deadline":"2026-11-24T17:00:00Z","completedAt":"2026-11-22T18:00:00Z","failureReason":null}}
        """);

    private static string SignedAt(DateTimeOffset at, string secret = Secret, byte[]? body = null) =>
        WebhookSender.Sign(secret, at.ToUnixTimeSeconds(), body ?? Body);

    [Fact]
    public async Task TheServicesSignatureVerifiesAndTheEventIsRead()
    {
        var evt = await PledgWebhooks.ReadEventAsync(SignedAt(Now), Body, Secret, new FakeTimeProvider(Now));
        Assert.Equal("evt_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f0123456789abcdef", evt.Id);
        Assert.Equal(PledgWebhooks.EventTypes.PurchaseSucceeded, evt.Type);
        Assert.Equal((PurchaseState.SUCCESSFULL, 12000L), (evt.Data!.State!.Value, evt.Data.Amount!.Value));
    }

    [Fact]
    public void AChangedBodyAnotherSecretOrAMangledHeaderIsRefused()
    {
        var time = new FakeTimeProvider(Now);
        var tampered = Body.ToArray();
        tampered[^3] ^= 1;
        Assert.False(PledgWebhooks.Verify(SignedAt(Now), tampered, Secret, time));
        Assert.False(PledgWebhooks.Verify(SignedAt(Now, secret: "whsec_someone_else_0123456789"), Body, Secret, time));
        Assert.False(PledgWebhooks.Verify(SignedAt(Now).Replace("v1=", "v0=", StringComparison.Ordinal), Body, Secret, time));
        Assert.False(PledgWebhooks.Verify(null, Body, Secret, time));
        Assert.True(PledgWebhooks.Verify(SignedAt(Now), Body, Secret, time));
    }

    [Fact]
    public async Task ASignatureOlderThanTheToleranceIsRefused()
    {
        var time = new FakeTimeProvider(Now + TimeSpan.FromMinutes(6));
        Assert.False(PledgWebhooks.Verify(SignedAt(Now), Body, Secret, time));
        Assert.True(PledgWebhooks.Verify(SignedAt(Now), Body, Secret, time, tolerance: TimeSpan.FromMinutes(10)));
        await Assert.ThrowsAsync<InvalidDataException>(() => PledgWebhooks.ReadEventAsync(SignedAt(Now), Body, Secret, time));
    }
}
