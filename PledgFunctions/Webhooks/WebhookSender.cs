using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using PledgFunctions.Storage;

namespace PledgFunctions.Webhooks;

/// <summary>One signed POST of an event's frozen body to its notificationUrl.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "pledg-webhooks";
    public const string SignatureHeader = "Pledg-Signature";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary><c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>.</summary>
    public static string Sign(string secret, long timestamp, byte[] body)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{timestamp}."), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Null when the receiver answered 2xx, else what went wrong (kept as the event's lastError).</summary>
    public async Task<string?> PostAsync(EventEntity evt, string secret, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(evt.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, evt.NotificationUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.UserAgent.ParseAdd("Pledg-Webhooks/1.0");
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"No answer within {Timeout.TotalSeconds:0} s.";
        }
        catch (HttpRequestException e)
        {
            return e.InnerException is RefusedAddressException refused ? refused.Message : $"Connection failed: {e.GetBaseException().Message}";
        }
    }
}
