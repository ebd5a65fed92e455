using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Webhooks;

/// <summary>A merchant's webhook endpoint: a small Kestrel app on a free 127.0.0.1 port that records
/// every POST and answers what <see cref="Respond"/> says. It can be created before it listens (a
/// merchant endpoint that is down) and started later on the same port.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, int> _callsPerEvent = new();
    private WebApplication? _app;

    public int Port { get; } = FreePorts.Next();
    public string Url => $"http://127.0.0.1:{Port}/hooks";

    /// <summary>(the request, how many times this event id has been received including this one) → HTTP status.</summary>
    public Func<ReceivedWebhook, int, CancellationToken, Task<int>> Respond { get; set; } = (_, _, _) => Task.FromResult(200);

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToArray();

    public IReadOnlyList<ReceivedWebhook> ReceivedFor(string purchaseId) => Received.Where(r => r.PurchaseId == purchaseId).ToList();

    public static async Task<WebhookReceiver> StartNewAsync(Func<ReceivedWebhook, int, CancellationToken, Task<int>>? respond = null)
    {
        var receiver = new WebhookReceiver();
        if (respond is not null) receiver.Respond = respond;
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        _app = builder.Build();
        _app.MapPost("/hooks", async (HttpRequest request, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            var received = ReceivedWebhook.Parse(buffer.ToArray(), request.Headers["Pledg-Signature"].ToString(), request.ContentType);
            _received.Enqueue(received);
            var call = _callsPerEvent.AddOrUpdate(received.EventId, 1, (_, n) => n + 1);
            return Results.StatusCode(await Respond(received, call, ct));
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One POST as the merchant saw it: the raw body bytes and headers, parsed for convenience.</summary>
public sealed record ReceivedWebhook(byte[] RawBody, string Signature, string? ContentType, DateTimeOffset At)
{
    private JsonElement Json => JsonDocument.Parse(RawBody).RootElement;
    public string EventId => Json.GetProperty("id").GetString()!;
    public string Type => Json.GetProperty("type").GetString()!;
    public string PurchaseId => Json.GetProperty("data").GetProperty("id").GetString()!;
    public string PurchaseState => Json.GetProperty("data").GetProperty("state").GetString()!;

    public static ReceivedWebhook Parse(byte[] body, string signature, string? contentType) =>
        new(body, signature, contentType, TimeProvider.System.GetUtcNow());

    /// <summary>The check a merchant makes (written independently of the service's signer):
    /// <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>, t within 5 minutes.</summary>
    public bool SignatureVerifies(string secret)
    {
        var parts = Signature.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, out var seconds)) return false;
        if (Math.Abs(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() - seconds) > 300) return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + Encoding.UTF8.GetString(RawBody)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(expected)), Encoding.ASCII.GetBytes(v1));
    }
}
