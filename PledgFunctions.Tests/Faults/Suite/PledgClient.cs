using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PledgFunctions.Faults;

/// <summary>The calls the suite makes, over one connection pool per service.</summary>
public sealed class PledgClient(HttpClient http, string merchantKey)
{
    public static object GoodCard => new { number = "4242424242424242", expMonth = 12, expYear = 2030, cvc = "123" };
    public static object DeclinedCard => new { number = "4000000000000002", expMonth = 12, expYear = 2030, cvc = "123" };

    public HttpClient Http => http;
    public string MerchantKey => merchantKey;

    public static object CreateBody(long amount, string reference, string? notificationUrl, string? organizer = null) => new
    {
        organizerEmail = organizer ?? $"organizer+{reference}@example.com",
        amount,
        currency = "EUR",
        cart = new[] { new { name = "Tent", quantity = 1, unitAmount = amount } },
        reference,
        notificationUrl,
    };

    public Task<Answer> CreateAsync(object body, string? idempotencyKey, CancellationToken ct)
    {
        var request = Request(HttpMethod.Post, "/api/purchases", body, merchantKey);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Answer.SendAsync(http, request, ct);
    }

    public Task<Answer> GetAsync(string purchaseId, CancellationToken ct) =>
        Answer.SendAsync(http, Request(HttpMethod.Get, $"/api/purchases/{purchaseId}", null, merchantKey), ct);

    public Task<Answer> CancelAsync(string purchaseId, CancellationToken ct) =>
        Answer.SendAsync(http, Request(HttpMethod.Post, $"/api/purchases/{purchaseId}/cancel", new { reason = "fault suite" }, merchantKey), ct);

    public Task<Answer> RefundAsync(string purchaseId, CancellationToken ct) =>
        Answer.SendAsync(http, Request(HttpMethod.Post, $"/api/purchases/{purchaseId}/refund", new { reason = "fault suite" }, merchantKey), ct);

    public Task<Answer> PledgeAsync(string organizerToken, IEnumerable<object> pledgers, object card, CancellationToken ct) =>
        Answer.SendAsync(http, Request(HttpMethod.Post, $"/api/checkout/{organizerToken}/pledge", new { pledgers, card }, null), ct);

    public Task<Answer> PayAsync(string shareToken, object card, CancellationToken ct) =>
        Answer.SendAsync(http, Request(HttpMethod.Post, $"/api/shares/{shareToken}/pay", new { card }, null), ct);

    public Task<Answer> HealthAsync(CancellationToken ct) => Answer.SendAsync(http, Request(HttpMethod.Get, "/api/health", null, null), ct);

    public static HttpRequestMessage Request(HttpMethod method, string path, object? body, string? apiKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return request;
    }

    public static string LastSegment(string url) => url.Split('/')[^1];

    public static string OrganizerToken(Answer created) => LastSegment(created.String("paymentUrl")!);

    public static List<string> ShareTokens(Answer pledge) =>
        [.. pledge.Json.GetProperty("shares").EnumerateArray().Skip(1).Select(s => LastSegment(s.GetProperty("shareUrl").GetString()!))];
}
