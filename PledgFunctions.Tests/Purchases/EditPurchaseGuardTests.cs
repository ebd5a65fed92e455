using System.Net;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;

namespace PledgFunctions.Tests.Purchases;

/// <summary>An edit's notificationUrl passes the same SSRF guard as create's.</summary>
public sealed class EditPurchaseGuardTests(GuardedServiceFixture fixture) : IClassFixture<GuardedServiceFixture>
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://localhost/hooks")]
    public async Task AnEditRefusesAUrlThatReachesAPrivateAddress(string url)
    {
        var created = await TestPurchases.CreateAsync(fixture.Service.Client());
        var id = created.GetProperty("id").GetString();

        var response = await fixture.Service.Client().PatchAsync($"/api/purchases/{id}", Http.Json(new { notificationUrl = url }));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error", "notificationUrl");
    }

    [Fact]
    public async Task AnEditAcceptsAPublicAddress()
    {
        var created = await TestPurchases.CreateAsync(fixture.Service.Client());
        var id = created.GetProperty("id").GetString();

        await (await fixture.Service.Client().PatchAsync($"/api/purchases/{id}", Http.Json(new { notificationUrl = "https://93.184.215.14/hooks" }))).AssertOkAsync();
    }
}
