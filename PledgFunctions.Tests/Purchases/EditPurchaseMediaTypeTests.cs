using System.Net;
using System.Text;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Purchases;

/// <summary>Contract 1.2: PATCH takes application/merge-patch+json and application/json with the same
/// meaning; any other content type answers 415 unsupported_media_type and changes nothing.</summary>
public sealed class EditPurchaseMediaTypeTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private readonly HttpClient _merchant = fixture.Service.Client();

    [Theory]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/merge-patch+json; charset=utf-8")]
    [InlineData("application/json")]
    public async Task AMergePatchAndAJsonBodyEditTheSameWay(string mediaType)
    {
        var created = await TestPurchases.CreateAsync(_merchant);
        var id = created.GetProperty("id").GetString();

        var edited = await (await _merchant.PatchAsync($"/api/purchases/{id}",
            Body("""{"reference": "order-merged"}""", mediaType))).AssertOkAsync();

        Assert.Equal("order-merged", edited.GetProperty("reference").GetString());
        Assert.Equal(created.GetProperty("amount").GetInt64(), edited.GetProperty("amount").GetInt64());
        Assert.Equal(created.GetProperty("cart").GetRawText(), edited.GetProperty("cart").GetRawText());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json-patch+json")] // RFC 6902 JSON Patch: another meaning, not read as a merge patch
    [InlineData(null)]
    public async Task AnyOtherContentTypeIsUnsupportedAndChangesNothing(string? mediaType)
    {
        var created = await TestPurchases.CreateAsync(_merchant);
        var id = created.GetProperty("id").GetString();

        await (await _merchant.PatchAsync($"/api/purchases/{id}",
            Body("""{"reference": "order-refused"}""", mediaType)))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");

        var read = await (await _merchant.GetAsync($"/api/purchases/{id}")).AssertOkAsync();
        Assert.Equal(created.GetProperty("reference").GetRawText(), read.GetProperty("reference").GetRawText());
    }

    private static ByteArrayContent Body(string json, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null) content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
