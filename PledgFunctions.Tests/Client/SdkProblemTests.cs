using System.Net;
using PledgFunctions.Client;
using PledgFunctions.Client.Generated.Models;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Client;

/// <summary>Every error answer reaches the SDK's caller as a <see cref="Problem"/> exception with
/// the contract's code, and the SDK adds the headers the contract asks for.</summary>
public sealed class SdkProblemTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly SdkSteps _sdk = new(fixture.Service);

    [Fact]
    public async Task AnUnknownPurchaseThrowsNotFound()
    {
        var problem = await Assert.ThrowsAsync<Problem>(() => _sdk.GetAsync("pur_00000000000000000000000000000000"));
        Assert.Equal((404, "not_found"), (problem.ResponseStatusCode, problem.Code));
        Assert.False(string.IsNullOrEmpty(problem.Message));
    }

    [Fact]
    public async Task AnInvalidCreateThrowsValidationErrorWithTheFieldsErrors()
    {
        var request = SdkSteps.NewPurchase();
        request.OrganizerEmail = "not-an-email";
        request.Cart![0].UnitAmount = 1;
        var problem = await Assert.ThrowsAsync<Problem>(() => _sdk.CreateAsync(request));
        Assert.Equal((400, "validation_error"), (problem.ResponseStatusCode, problem.Code));
        Assert.Contains("organizerEmail", problem.FieldErrors.Keys);
        Assert.NotEmpty(problem.FieldErrors["cart"][0]);
    }

    [Fact]
    public async Task AnUnknownApiKeyThrowsUnauthorized()
    {
        var stranger = new SdkSteps(fixture.Service, apiKey: "sk_test_nobody_0123456789abcdef");
        var problem = await Assert.ThrowsAsync<Problem>(() => stranger.CreateAsync());
        Assert.Equal((401, "unauthorized"), (problem.ResponseStatusCode, problem.Code));
    }

    [Fact]
    public async Task ADeclinedCardAnswersCardDeclinedAndLeavesThePurchaseUnpledged()
    {
        var purchase = await _sdk.CreateAsync();
        await (await _sdk.TryPledgeAsync(purchase, ["bob@example.com"], card: "4000000000000002"))
            .AssertProblemAsync(System.Net.HttpStatusCode.PaymentRequired, "card_declined");
        Assert.Empty((await _sdk.CheckoutAsync(purchase)).Shares);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyReplaysTheFirstPurchaseAndAnotherBodyThrowsKeyReused()
    {
        var key = "sdk-" + Guid.NewGuid().ToString("N");
        var request = SdkSteps.NewPurchase();
        var first = await _sdk.CreateAsync(request, key);
        var replay = await _sdk.CreateAsync(request, key);
        Assert.Equal(first.Id, replay.Id);

        var problem = await Assert.ThrowsAsync<Problem>(() => _sdk.CreateAsync(SdkSteps.NewPurchase(amount: 500), key));
        Assert.Equal((422, "idempotency_key_reused"), (problem.ResponseStatusCode, problem.Code));
    }

    [Fact]
    public async Task EveryMutatingMerchantCallCarriesAnIdempotencyKeyAndTheBearerKey()
    {
        var seen = new Recorder();
        var client = PledgClient.Create(fixture.Service.BaseAddress, TestService.MerchantKey, seen);
        var purchase = await client.Api.Purchases.PostAsync(SdkSteps.NewPurchase());
        await client.Api.Purchases[purchase!.Id].GetAsync();
        await client.Api.Purchases[purchase.Id].Cancel.PostAsync(new CancelPurchaseRequest());

        Assert.Equal(["POST", "GET", "POST"], seen.Requests.Select(r => r.Method));
        Assert.All(seen.Requests, r => Assert.Equal($"Bearer {TestService.MerchantKey}", r.Authorization));
        Assert.NotNull(seen.Requests[0].IdempotencyKey);
        Assert.Null(seen.Requests[1].IdempotencyKey);
        Assert.NotNull(seen.Requests[2].IdempotencyKey);
        Assert.NotEqual(seen.Requests[0].IdempotencyKey, seen.Requests[2].IdempotencyKey);
    }

    [Fact]
    public async Task TheApiKeyIsNeverSentOverPlainHttpToAnotherHost()
    {
        var seen = new Recorder();
        var client = PledgClient.Create(new Uri("http://pledg.invalid"), TestService.MerchantKey, seen);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.Api.Purchases["pur_00000000000000000000000000000000"].GetAsync());
        Assert.Empty(seen.Requests);
    }

    private sealed record Seen(string Method, string? Authorization, string? IdempotencyKey);

    /// <summary>Records what the SDK puts on the wire, then sends it on to the service.</summary>
    private sealed class Recorder() : DelegatingHandler(new HttpClientHandler())
    {
        public List<Seen> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new Seen(request.Method.Method, request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues(IdempotencyKeyHandler.Header, out var keys) ? keys.Single() : null));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
