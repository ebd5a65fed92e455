using System.Net;
using System.Text;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;

namespace PledgFunctions.Tests.Purchases;

/// <summary>Whatever the characters inside the contract's limits, a valid request is stored and
/// answered, never a 5xx; a body over 64 KiB is a 413. The worst cases are names whose JSON
/// escaping grows them the most: an emoji is 4 bytes in a request but 12 characters stored as
/// escaped JSON, a control character is 6 either way.</summary>
public sealed class StoredLimitsTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private TestService Service => fixture.Service;

    /// <summary>A name of <paramref name="units"/> UTF-16 units of one repeated piece, as (the string, its JSON text in the request).</summary>
    public static (string Name, string Json) NameOf(string piece, string pieceJson, int units = 198)
    {
        var name = new StringBuilder();
        var json = new StringBuilder();
        while (name.Length + piece.Length <= units) { name.Append(piece); json.Append(pieceJson); }
        while (name.Length < units) { name.Append('x'); json.Append('x'); }
        return (name.ToString(), json.ToString());
    }

    /// <summary>Emoji (raw UTF-8 in the request), and a mix of quote, backslash, control
    /// character and emoji, both as 100 items of 200 characters.</summary>
    public static TheoryData<string> Worst => new() { "emoji", "mixed" };

    public static (string[] Names, string Body) WorstCart(string kind, string organizer, long quantity = 1, string? notificationUrl = null)
    {
        var (name, nameJson) = kind == "emoji" ? NameOf("😀", "😀") : NameOf("\"\\\u0001😀", "\\\"\\\\\\u0001😀");
        var names = Enumerable.Range(0, 100).Select(i => i.ToString("00") + name).ToArray();
        var items = string.Join(",", Enumerable.Range(0, 100).Select(i =>
            $$"""{"name":"{{i:00}}{{nameJson}}","quantity":{{quantity}},"unitAmount":1000000}"""));
        var url = notificationUrl is null ? "" : $",\"notificationUrl\":\"{notificationUrl}\"";
        var body = $$"""{"organizerEmail":"{{organizer}}","amount":{{100 * quantity * 1000000}},"currency":"EUR","reference":"{{new string('r', 255)}}","cart":[{{items}}]{{url}}}""";
        return (names, body);
    }

    private static StringContent Utf8(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [MemberData(nameof(Worst))]
    public async Task AWorstCaseCartIsStoredAndReadBackExactly(string kind)
    {
        var (names, body) = WorstCart(kind, $"limits+{Guid.NewGuid():N}@example.com");
        Assert.InRange(Encoding.UTF8.GetByteCount(body), 30_000, 64 * 1024);

        var created = await (await Service.Client().PostAsync("/api/purchases", Utf8(body))).AssertOkAsync(HttpStatusCode.Created);
        var read = await (await Service.Client().GetAsync($"/api/purchases/{created.GetProperty("id").GetString()}")).AssertOkAsync();

        Assert.Equal(names, read.GetProperty("cart").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(names, created.GetProperty("cart").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        var checkout = await (await Service.Client(null).GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(created)}")).AssertOkAsync();
        Assert.Equal(names, checkout.GetProperty("cart").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Theory]
    [MemberData(nameof(Worst))]
    public async Task AnIdempotentReplayOfAWorstCaseCartReturnsTheSameBytes(string kind)
    {
        var (_, body) = WorstCart(kind, $"limits+{Guid.NewGuid():N}@example.com");
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Create() => new(HttpMethod.Post, "/api/purchases") { Content = Utf8(body), Headers = { { "Idempotency-Key", key } } };

        var first = await Service.Client().SendAsync(Create());
        var replay = await Service.Client().SendAsync(Create());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await replay.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(Worst))]
    public async Task AWorstCaseCartCanBeSetByAnEdit(string kind)
    {
        var created = await TestPurchases.CreateAsync(Service.Client(), new { organizerEmail = $"limits+{Guid.NewGuid():N}@example.com", amount = 1, currency = "EUR" });
        var (names, create) = WorstCart(kind, "x@example.com");
        var patch = "{" + create[(create.IndexOf("\"amount\"", StringComparison.Ordinal))..];

        var edited = await (await Service.Client().PatchAsync($"/api/purchases/{created.GetProperty("id").GetString()}", Utf8(patch))).AssertOkAsync();
        var read = await (await Service.Client().GetAsync($"/api/purchases/{created.GetProperty("id").GetString()}")).AssertOkAsync();

        Assert.Equal(names, edited.GetProperty("cart").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(names, read.GetProperty("cart").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task TheEventOfAWorstCasePurchaseIsStoredAndDelivered()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var (names, body) = WorstCart("mixed", $"limits+{Guid.NewGuid():N}@example.com", notificationUrl: receiver.Url);
        var created = await (await Service.Client().PostAsync("/api/purchases", Utf8(body))).AssertOkAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;

        await (await Service.Client().PostAsync($"/api/purchases/{id}/cancel", null)).AssertOkAsync();

        var received = await Eventually.ReturnsAsync(() => Task.FromResult(receiver.ReceivedFor(id)), r => r.Count > 0, TimeSpan.FromSeconds(20), "event delivered");
        Assert.True(received[0].SignatureVerifies(TestService.MerchantSecret));
        Assert.Equal(names, JsonDocument.Parse(received[0].RawBody).RootElement.GetProperty("data").GetProperty("cart").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task TwentyLongUnicodePledgersAreStoredAndReadBack()
    {
        var created = await TestPurchases.CreateAsync(Service.Client(), TestPurchases.Body(2100));
        var local = string.Concat(Enumerable.Repeat("é", 60));
        var emails = Enumerable.Range(0, 20).Select(i => $"{local}{i:00}{Guid.NewGuid():N}@{new string('d', 60)}.{new string('d', 60)}.example.com").ToArray();
        Assert.All(emails, e => Assert.InRange(e.Length, 200, 254));

        var pledge = await TestCheckout.PledgeAsync(Service.Client(null), TestPurchases.OrganizerToken(created),
            emails.Select(e => (object)new { email = e }).ToArray());
        await pledge.AssertOkAsync();

        var read = await (await Service.Client().GetAsync($"/api/purchases/{created.GetProperty("id").GetString()}")).AssertOkAsync();
        Assert.Equal(emails, read.GetProperty("pledgerEmails").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("POST", "/api/purchases")]
    [InlineData("POST", "/api/purchases/pur_00000000000000000000000000000000/cancel")]
    [InlineData("PATCH", "/api/purchases/pur_00000000000000000000000000000000")]
    public async Task ABodyOver64KiBIs413(string method, string path)
    {
        var json = JsonSerializer.Serialize(new { organizerEmail = "a@example.com", amount = 1, currency = "EUR", reference = new string('r', 64 * 1024) });
        var response = await Service.Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Utf8(json) });
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }
}
