using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PledgFunctions.Tests.Infrastructure;

public static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object body) => Json(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try { return JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode}: not JSON: {text}"); }
    }

    /// <summary>Asserts the status and that the body is problem+json with the contract's members and
    /// <paramref name="code"/>; with <paramref name="field"/>, that <c>errors</c> names it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var body = await response.ReadJsonAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        if (field is not null)
            Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {body}");
        return body;
    }

    public static async Task<JsonElement> AssertOkAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.ReadJsonAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) => client.PostAsync(url, Json(body));
}

/// <summary>Fresh test data: every test makes its own purchases.</summary>
public static class TestPurchases
{
    public static object Body(long amount = 12000, string currency = "EUR", string? organizer = null, string? notificationUrl = null) => new
    {
        organizerEmail = organizer ?? $"alice+{Guid.NewGuid():N}@example.com",
        amount,
        currency,
        cart = new[] { new { name = "Tent", quantity = 1, unitAmount = amount } },
        reference = "order-" + Guid.NewGuid().ToString("N")[..8],
        notificationUrl,
    };

    /// <summary>Like a merchant's client: a 503 storage_unavailable changed nothing and says to retry
    /// (Retry-After), so it is retried a few times; any other answer is final.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient merchant, object? body = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await merchant.PostJsonAsync("/api/purchases", body ?? Body());
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5) return await response.AssertOkAsync(HttpStatusCode.Created);
            await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt));
        }
    }

    public static string OrganizerToken(JsonElement purchase) => purchase.GetProperty("paymentUrl").GetString()!.Split('/')[^1];
}
