using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Hosts;

/// <summary>Sends the same odd requests (<see cref="OddRequests"/>) to the standalone host and to the
/// built app under the Functions host, one after the other, and compares the answers pair by pair:
/// status, media type, problem <c>code</c>, the headers a client relies on, and that the host answers
/// as promptly (no request waits for a timeout). The few the platform answers itself are held to
/// what docs/azure-functions.md says of them.</summary>
public sealed class HostParityTests(ParityStandaloneFixture standalone, ParityFunctionsHostFixture functionsHost)
    : IClassFixture<ParityStandaloneFixture>, IClassFixture<ParityFunctionsHostFixture>
{
    /// <summary>Standalone answers every one of them at once; a wait this long is a hang.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private static readonly string[] ComparedHeaders =
        ["Allow", "WWW-Authenticate", "Retry-After", "Cache-Control", "X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy"];

    [SkippableFact]
    public async Task EveryOddRequestGetsTheSameAnswerFromBothHosts()
    {
        var host = functionsHost.Require();
        var reference = standalone.Require();
        var (referenceIds, hostIds) = (await PurchaseOfItsOwnAsync(reference), await PurchaseOfItsOwnAsync(host));
        using var referenceClient = ClientOf(reference);
        using var hostClient = ClientOf(host);

        var requests = OddRequests.All().ToList();
        var differences = new List<string>();
        foreach (var odd in requests)
        {
            var expected = await SendAsync(referenceClient, odd, referenceIds);
            var actual = await SendAsync(hostClient, odd, hostIds);
            if (Difference(odd, expected, actual) is { } difference) differences.Add($"{odd}: {difference}");
        }
        Assert.True(differences.Count == 0,
            $"{differences.Count} of {requests.Count} odd requests differ under the Functions host:\n{string.Join('\n', differences.Take(80))}");
    }

    private static string? Difference(OddRequest odd, Reply standalone, Reply host)
    {
        if (host.Status is null || host.Elapsed > Prompt) return $"host: no answer within {Prompt.TotalSeconds} s ({host})";
        if (odd.Platform is not null)
            return host is { Status: 500, MediaType: null } ? null : $"the platform's answer should be an empty 500 ({odd.Platform}), got {host}";
        if (standalone.Status is null) return $"standalone: no answer ({standalone})";
        return standalone.Same(host) ? null : $"standalone {standalone}, host {host}";
    }

    private static async Task<(string Id, string Org)> PurchaseOfItsOwnAsync(IServiceUnderTest service)
    {
        var purchase = await TestPurchases.CreateAsync(service.Client());
        return (purchase.GetProperty("id").GetString()!, TestPurchases.OrganizerToken(purchase));
    }

    private static HttpClient ClientOf(IServiceUnderTest service) =>
        // UTF-8 header values, as curl or a browser would send them (HttpClient refuses non-ASCII by default).
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = service.BaseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };

    private static async Task<Reply> SendAsync(HttpClient client, OddRequest odd, (string Id, string Org) own)
    {
        using var request = new HttpRequestMessage(new HttpMethod(odd.Method), odd.Path.Replace("{id}", own.Id).Replace("{org}", own.Org));
        if (odd.Body is not null)
        {
            request.Content = new ByteArrayContent(odd.Body);
            if (odd.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", odd.ContentType);
        }
        if (odd.WithKey) request.Headers.Authorization = new("Bearer", TestService.MerchantKey);
        foreach (var (name, value) in odd.Headers ?? []) request.Headers.TryAddWithoutValidation(name, value);

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var headers = ComparedHeaders.Select(h => response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
                .Where(x => x.Key.Equals(h, StringComparison.OrdinalIgnoreCase)).Select(x => $"{h}: {x.Value}").FirstOrDefault())
                .OfType<string>().ToList();
            return new Reply((int)response.StatusCode, mediaType, ProblemCode(mediaType, body), headers, watch.Elapsed);
        }
        catch (Exception e) when (e is TaskCanceledException or HttpRequestException)
        {
            return new Reply(null, null, e.GetType().Name, [], watch.Elapsed);
        }
    }

    private static string? ProblemCode(string? mediaType, string body)
    {
        if (mediaType != "application/problem+json") return null;
        try { return JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var code) ? code.GetString() : "(no code)"; }
        catch (JsonException) { return "(not JSON)"; }
    }

    private sealed record Reply(int? Status, string? MediaType, string? Code, IReadOnlyList<string> Headers, TimeSpan Elapsed)
    {
        public bool Same(Reply other) =>
            Status == other.Status && MediaType == other.MediaType && Code == other.Code && Headers.SequenceEqual(other.Headers);

        public override string ToString() =>
            $"{Status?.ToString() ?? "none"} {MediaType} {Code} [{string.Join("; ", Headers)}] {Elapsed.TotalMilliseconds:0} ms";
    }
}

/// <summary>No rate limits: hundreds of requests in a few seconds would meet them at different points on each host.</summary>
public sealed class ParityStandaloneFixture : StandaloneHostFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Pledg:RateLimits:Enabled"] = "false";
}

/// <summary>As <see cref="ParityStandaloneFixture"/>, under the Functions host.</summary>
public sealed class ParityFunctionsHostFixture : FunctionsHostFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Pledg:RateLimits:Enabled"] = "false";
}
