using System.Collections.Concurrent;
using System.Diagnostics;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Faults;

/// <summary>Azurite is killed under load and started again (same ports, empty: it keeps data in
/// memory) after <see cref="FaultSuiteOptions.OutageLength"/>. While it is down every answer must be
/// 503 with Retry-After, never a 500 and never a hang; afterwards the same process must serve full
/// purchase lifecycles again without a restart.</summary>
public static class StorageOutage
{
    private const string Phase = "outage";
    private const int Workers = 8;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private sealed record Sample(TimeSpan Start, TimeSpan End, string What, Answer Answer);

    public static async Task RunAsync(FaultSuiteOptions options, FaultReport report, CancellationToken ct)
    {
        // On disk: an outage makes storage unreachable, it does not erase the account.
        await using var azurite = await Azurite.StartNewAsync(onDisk: true);
        var settings = ServiceUnderTest.Settings(azurite);
        settings["Pledg:RateLimits:Enabled"] = "false";
        await using var service = await ServiceUnderTest.StartAsync(settings, ct);
        var samples = new ConcurrentQueue<Sample>();
        var completed = new ConcurrentQueue<TimeSpan>(); // when each full lifecycle ended
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, Workers).Select(_ => LoadAsync(service.Client, clock, samples, completed, stop.Token)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var down = clock.Elapsed;
        await azurite.StopAsync();
        await Task.Delay(options.OutageLength, ct);
        var up = clock.Elapsed;
        await azurite.StartAsync();

        var recovered = (TimeSpan?)null;
        while (clock.Elapsed - up < TimeSpan.FromSeconds(60) && recovered is null)
        {
            await Task.Delay(100, ct);
            recovered = completed.Where(t => t > up).Cast<TimeSpan?>().FirstOrDefault();
        }
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var all = samples.ToList();
        foreach (var s in all)
        {
            ContractRules.Check(s.Answer, Phase, s.What, report);
            if (!s.Answer.Answered) report.Violation(Phase, $"{s.What} got no answer: {s.Answer.Text}");
            else if (s.End - s.Start > Patience) report.Violation(Phase, $"{s.What} answered after {(s.End - s.Start).TotalSeconds:F1} s");
            if (s.Answer.Status == 401) report.Violation(Phase, $"{s.What}: a valid key was refused: {s.Answer}");
            // Sent once storage was surely gone and answered before it was back: only 503 will do.
            if (s.Start > down + TimeSpan.FromSeconds(0.5) && s.End < up && s.Answer.Status != 503)
                report.Violation(Phase, $"{s.What} answered {s.Answer.Status} while storage was down");
        }
        if (recovered is null) report.Violation(Phase, $"no full lifecycle succeeded within 60 s of storage coming back; the service's last log lines:\n{service.RecentOutput}");

        var during = all.Where(s => s.Start > down && s.End < up).ToList();
        report.Figure(Phase, $"storage down {options.OutageLength.TotalSeconds:F0} s under {Workers} concurrent clients: {all.Count} requests; " +
                             $"while down {during.Count} answers, {during.Count(s => s.Answer.Status == 503)} of them 503 (slowest {Slowest(during):F2} s); " +
                             $"500s: {all.Count(s => s.Answer.Status == 500)}; first full lifecycle {(recovered - up)?.TotalSeconds:F1} s after storage came back; " +
                             $"statuses: {string.Join(", ", all.GroupBy(s => s.Answer.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))}");
    }

    private static double Slowest(List<Sample> samples) => samples.Count == 0 ? 0 : samples.Max(s => (s.End - s.Start).TotalSeconds);

    /// <summary>create → read → pledge (one pledger) → pay, again and again; backs off 200 ms after an error.</summary>
    private static async Task LoadAsync(PledgClient client, Stopwatch clock, ConcurrentQueue<Sample> samples, ConcurrentQueue<TimeSpan> completed, CancellationToken stop)
    {
        async Task<Answer> Timed(string what, Func<Task<Answer>> send)
        {
            var start = clock.Elapsed;
            var answer = await send();
            samples.Enqueue(new Sample(start, clock.Elapsed, what, answer));
            return answer;
        }

        while (!stop.IsCancellationRequested)
        {
            var reference = "outage-" + Guid.NewGuid().ToString("N")[..12];
            var created = await Timed("create", () => client.CreateAsync(PledgClient.CreateBody(5000, reference, null), null, CancellationToken.None));
            if (created.Status == 201)
            {
                var id = created.String("id")!;
                var read = await Timed("get", () => client.GetAsync(id, CancellationToken.None));
                var pledge = read.Status != 200 ? read : await Timed("pledge", () => client.PledgeAsync(PledgClient.OrganizerToken(created),
                    [new { email = $"p+{reference}@example.com" }], PledgClient.GoodCard, CancellationToken.None));
                if (pledge.Status == 200)
                {
                    var pay = await Timed("pay", () => client.PayAsync(PledgClient.ShareTokens(pledge)[0], PledgClient.GoodCard, CancellationToken.None));
                    if (pay.Status == 200)
                    {
                        completed.Enqueue(clock.Elapsed);
                        continue;
                    }
                }
            }
            await Timed("health", () => client.HealthAsync(CancellationToken.None));
            try { await Task.Delay(200, stop); }
            catch (OperationCanceledException) { return; }
        }
    }
}
