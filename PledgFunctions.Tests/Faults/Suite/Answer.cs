using System.Diagnostics;
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

    /// <summary>For a phase's setup (not what it checks): what a client does with a 503 or no answer
    /// in time (the engine still busy with the previous phase's backlog), retry after the time it was
    /// told, a few times.</summary>
    public static async Task<Answer> RetryingUnavailableAsync(Func<Task<Answer>> send, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await send();
            if (answer.Answered && answer.Status != 503 || attempt == 10) return answer;
            await Task.Delay(TimeSpan.FromSeconds(int.TryParse(answer.RetryAfter, out var seconds) ? Math.Clamp(seconds, 1, 5) : 1), ct);
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
