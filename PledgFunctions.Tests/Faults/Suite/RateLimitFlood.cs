using System.Collections.Concurrent;
using System.Diagnostics;
using PledgFunctions.RateLimiting;

namespace PledgFunctions.Faults;

/// <summary>One merchant key floods the API from 64 connections and the hosted-page API is flooded
/// from one address, with the shipped default limits: the flooders get 429 rate_limited with
/// Retry-After, nothing answers 5xx or 503, and a second merchant sending at a normal pace is never
/// refused and stays fast.</summary>
public static class RateLimitFlood
{
    private const string Phase = "rate-limit";
    private const int Flooders = 64;
    private const int PageFlooders = 16;

    private sealed record Sample(string Client, Answer Answer);

    public static async Task RunAsync(FaultSuiteOptions options, IDictionary<string, string?> settings, FaultReport report, CancellationToken ct)
    {
        await using var service = await ServiceUnderTest.StartAsync(settings, ct);
        var a = service.Client;
        var b = new PledgClient(service.Http, ServiceUnderTest.OtherMerchantKey);
        var ofA = await a.CreateAsync(PledgClient.CreateBody(5000, $"flood-{Guid.NewGuid():N}", null), null, ct);
        var ofB = await b.CreateAsync(PledgClient.CreateBody(5000, $"flood-{Guid.NewGuid():N}", null), null, ct);
        var idA = ofA.String("id")!;
        var idB = ofB.String("id")!;
        var tokenA = PledgClient.OrganizerToken(ofA);

        var samples = new ConcurrentQueue<Sample>();
        using var stop = new CancellationTokenSource(options.FloodLength);
        async Task LoopAsync(string name, Func<Task<Answer>> send, TimeSpan pause)
        {
            while (!stop.IsCancellationRequested)
            {
                samples.Enqueue(new Sample(name, await send()));
                if (pause > TimeSpan.Zero) await Task.Delay(pause, CancellationToken.None);
            }
        }
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Flooders).Select(_ => LoopAsync("A", () => a.GetAsync(idA, CancellationToken.None), TimeSpan.Zero))
            .Concat(Enumerable.Range(0, PageFlooders).Select(_ => LoopAsync("pages", () =>
                Answer.SendAsync(service.Http, PledgClient.Request(HttpMethod.Get, $"/api/checkout/{tokenA}", null, null), CancellationToken.None), TimeSpan.Zero)))
            .Append(LoopAsync("B", () => b.GetAsync(idB, CancellationToken.None), TimeSpan.FromMilliseconds(50))));
        var seconds = clock.Elapsed.TotalSeconds;

        var all = samples.ToList();
        foreach (var s in all)
        {
            ContractRules.Check(s.Answer, Phase, $"client {s.Client}", report);
            if (!s.Answer.Answered || s.Answer.Status >= 500) report.Violation(Phase, $"client {s.Client}: {s.Answer}");
            if (s.Answer.Status == 429 && (s.Answer.Code != "rate_limited" || !int.TryParse(s.Answer.RetryAfter, out var after) || after < 1))
                report.Violation(Phase, $"client {s.Client}: 429 without rate_limited and Retry-After >= 1: {s.Answer} Retry-After={s.Answer.RetryAfter}");
        }
        var limits = new RateLimitOptions();
        var byClient = all.ToLookup(s => s.Client);
        var acceptedA = byClient["A"].Count(s => s.Answer.Status == 200);
        // A client that sent more than its bucket allows must have been refused, and never let through more than that.
        var allowed = limits.Burst + limits.PermitsPerSecond * seconds * 1.1 + 20;
        foreach (var flooder in new[] { "A", "pages" })
        {
            var sent = byClient[flooder].Count();
            var through = byClient[flooder].Count(s => s.Answer.Status == 200);
            if (sent > allowed && through == sent) report.Violation(Phase, $"client {flooder} sent {sent} requests in {seconds:F1} s and was never refused");
            if (through > allowed) report.Violation(Phase, $"client {flooder} got {through} requests through in {seconds:F1} s, over its limit");
        }
        var refusedB = byClient["B"].Count(s => s.Answer.Status != 200);
        if (refusedB > 0) report.Violation(Phase, $"the well-behaved merchant got {refusedB} non-200 answers, e.g. {byClient["B"].First(s => s.Answer.Status != 200).Answer}");
        var latencyB = byClient["B"].Select(s => s.Answer.Elapsed.TotalMilliseconds).Order().ToList();
        var p99B = latencyB.Count == 0 ? 0 : latencyB[(int)Math.Min(latencyB.Count - 1, Math.Ceiling(latencyB.Count * 0.99) - 1)];
        if (p99B > 2000) report.Violation(Phase, $"the well-behaved merchant's p99 latency reached {p99B:F0} ms");

        string Summary(string client) => $"{byClient[client].Count()} requests ({byClient[client].Count() / seconds:F0}/s), " +
                                         $"{byClient[client].Count(s => s.Answer.Status == 429)} × 429, {byClient[client].Count(s => s.Answer.Status == 200)} × 200";
        report.Figure(Phase, $"limits {limits.PermitsPerSecond}/s burst {limits.Burst}, {seconds:F1} s: merchant A ({Flooders} connections) {Summary("A")} " +
                             $"= {acceptedA / seconds:F0} accepted/s; hosted pages from one address ({PageFlooders} connections) {Summary("pages")}; " +
                             $"merchant B every 50 ms: {Summary("B")}, p99 {p99B:F0} ms; 5xx: {all.Count(s => s.Answer.Status >= 500)}");
    }
}
