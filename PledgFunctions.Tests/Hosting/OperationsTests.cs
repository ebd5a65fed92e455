using System.Net;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Hosting;

public sealed class OperationsTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task HealthAnswers200WhenStorageAnswers()
    {
        var health = await (await fixture.Service.Client(null).GetAsync("/api/health")).AssertOkAsync();
        Assert.Equal("healthy", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryRouteWithSchemasAndExamples()
    {
        var document = await (await fixture.Service.Client(null).GetAsync("/openapi/v1.json")).AssertOkAsync();
        var pages = await (await fixture.Service.Client(null).GetAsync("/openapi/pages.json")).AssertOkAsync();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/purchases", "/api/purchases/{id}", "/api/purchases/{id}/status", "/api/purchases/{id}/cancel", "/api/health" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the merchant document");
        foreach (var path in new[] { "/api/checkout/{organizerToken}", "/api/checkout/{organizerToken}/pledge", "/api/shares/{shareToken}", "/api/shares/{shareToken}/pay" })
            Assert.True(pages.GetProperty("paths").TryGetProperty(path, out _), $"{path} missing from the hosted-page document");
        var create = paths.GetProperty("/api/purchases").GetProperty("post");
        Assert.Equal(12000, create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example").GetProperty("amount").GetInt32());
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("Purchase", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("merchantApiKey", out _));
    }

    [Fact]
    public async Task TheBrowsableReferenceIsServedAtDocs()
    {
        var response = await fixture.Service.Client(null).GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
