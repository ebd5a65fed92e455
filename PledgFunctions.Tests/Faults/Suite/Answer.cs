using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PledgFunctions.Faults;

/// <summary>One HTTP exchange as the suite records it. Status 0: no HTTP answer at all (the
/// process was killed, the connection reset, the client timed out).</summary>
public sealed record Answer(int Status, string Text, string? MediaType, string? Code, string? RetryAfter, bool Replayed, TimeSpan Elapsed)
{
    public bool Answered => Status > 0;

    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    public string? String(string property) => Json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public override string ToString() => $"{Status} {Code} {(Text.Length > 300 ? Text[..300] + "..." : Text)}";

    public static async Task<Answer> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var media = response.Content.Headers.ContentType?.MediaType;
            return new Answer((int)response.StatusCode, text, media, media == "application/problem+json" ? CodeOf(text) : null,
                response.Headers.RetryAfter?.ToString(), response.Headers.Contains("Idempotent-Replayed"), clock.Elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new Answer(0, $"{e.GetType().Name}: {e.GetBaseException().Message}", null, null, null, false, clock.Elapsed);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static string? CodeOf(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The contract's rules every answer must keep, whatever was sent.</summary>
public static class ContractRules
{
    /// <summary>Never a 5xx other than 503; a 503 says why (and when to retry, for an outage);
    /// every error is problem+json with a <c>code</c>.</summary>
    public static void Check(Answer answer, string phase, string what, FaultReport report)
    {
        if (!answer.Answered) return;
        if (answer.Status >= 500 && answer.Status != 503)
            report.Violation(phase, $"{what} answered {answer}");
        if (answer.Status == 503 && answer.Code is not ("storage_unavailable" or "payment_interrupted"))
            report.Violation(phase, $"{what}: 503 without a known code: {answer}");
        if (answer.Status == 503 && answer.Code == "storage_unavailable" && answer.RetryAfter is null)
            report.Violation(phase, $"{what}: 503 storage_unavailable without Retry-After");
        if (answer.Status >= 400 && (answer.MediaType != "application/problem+json" || string.IsNullOrEmpty(answer.Code)))
            report.Violation(phase, $"{what}: error without problem+json code: {answer} ({answer.MediaType})");
    }
}

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
