using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>The requests the Functions host sends a custom handler, byte for byte as
/// docs/azure-functions.md records them ("Request payload", "Non-HTTP invocations").</summary>
public static class HostPayloads
{
    public const string HostVersion = "4.1044.100.25497";

    // The host serializes with Newtonsoft, which escapes only quotes, backslashes and control characters.
    private static readonly JsonSerializerOptions HostJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A queue-trigger invocation. The host puts the message text into <c>Data.message</c>
    /// JSON-serialized, so the JSON string's content is itself a JSON string literal of the text.</summary>
    public static string QueueTrigger(string functionName, string messageText, QueueMessage? message = null, bool encodedTwice = true)
    {
        var data = encodedTwice ? JsonSerializer.Serialize(messageText, HostJson) : messageText;
        var now = TimeProvider.System.GetUtcNow();
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = data },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = message?.DequeueCount ?? 1,
                ["ExpirationTime"] = (message?.ExpiresOn ?? DateTimeOffset.MaxValue).ToString("yyyy-MM-ddTHH:mm:ss+00:00"),
                ["Id"] = message?.MessageId ?? Guid.NewGuid().ToString(),
                ["InsertionTime"] = (message?.InsertedOn ?? now).ToString("yyyy-MM-ddTHH:mm:ss+00:00"),
                ["NextVisibleTime"] = (message?.NextVisibleOn ?? now.AddSeconds(30)).ToString("yyyy-MM-ddTHH:mm:ss+00:00"),
                ["PopReceipt"] = message?.PopReceipt ?? "AgAAAAMAAAAAAAAAlQ4Jx7Jc3QE=",
                ["sys"] = Sys(functionName),
            },
        };
        return payload.ToJsonString(HostJson);
    }

    /// <summary>The timer trigger's invocation (<c>ScheduleStatus</c> is null on a first run).</summary>
    public static string TimerTrigger(string functionName = "deadline-sweep", bool firstRun = false)
    {
        var now = TimeProvider.System.GetUtcNow();
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["timer"] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = firstRun ? null : new JsonObject
                    {
                        ["Last"] = now.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss+00:00"),
                        ["Next"] = now.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ss+00:00"),
                        ["LastUpdated"] = now.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss+00:00"),
                    },
                    ["IsPastDue"] = false,
                },
            },
            ["Metadata"] = new JsonObject { ["sys"] = Sys(functionName) },
        };
        return payload.ToJsonString(HostJson);
    }

    private static JsonObject Sys(string functionName) => new()
    {
        ["MethodName"] = functionName,
        ["UtcNow"] = TimeProvider.System.GetUtcNow().ToString("O"),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };

    /// <summary><c>POST http://127.0.0.1:{port}/{functionName}</c> with the host's headers.</summary>
    public static Task<HttpResponseMessage> InvokeAsync(HttpClient handler, string functionName, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/" + functionName)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        AddHostHeaders(request);
        return handler.SendAsync(request);
    }

    /// <summary>What the host adds to every request it sends the handler, proxied or not.</summary>
    public static void AddHostHeaders(HttpRequestMessage request)
    {
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", HostVersion);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Azure-Functions-Host", HostVersion));
        request.Headers.Add("traceparent", $"00-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01");
    }

    /// <summary>The invocation answer the host can read: a JSON object with Outputs, Logs, ReturnValue.</summary>
    public static async Task<JsonElement> AssertInvocationAnswerAsync(this HttpResponseMessage response, bool success)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(success == response.IsSuccessStatusCode, $"expected {(success ? "2xx" : "a failure status")}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("Logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
        return body;
    }
}
