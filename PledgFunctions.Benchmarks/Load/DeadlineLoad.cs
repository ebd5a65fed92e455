using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using PledgFunctions.Email;
using PledgFunctions.Messages;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>Deadline lateness: purchases created with a short payment window and never touched
/// again, so only their orchestrations' deadline timers can fail them (no read enforces the
/// deadline first: the driver reads the table directly). Lateness = the FAILED write's Timestamp
/// (stamped by storage) minus the deadline; beside it the service's own pledg.deadline.lag metric
/// (its clock read just before the write). Twice, each on a fresh Azurite and service: created as
/// fast as the service takes them (the deadlines then fall as densely as this machine can create,
/// so the figure moves with the machine), and created at a fixed rate (<see cref="PacedRate"/>).
/// Then twice more with messages (contract 1.2): each purchase pledged as soon as it is created, with
/// one pledger who never pays (<see cref="PledgedRate"/>), once with email off and once with email
/// on, sending to an SMTP sink, one reminder <see cref="ReminderBefore"/> each deadline: what
/// reminders firing just before the deadlines of others do to those deadlines. A pledged purchase's
/// row is written again by its refund after FAILED, so there lateness is read on the unpaid share's
/// row, which the FAILED batch writes and nothing after it.</summary>
public static class DeadlineLoad
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>Purchases per second of the pledged runs (a create and a pledge each).</summary>
    public const double PledgedRate = 10;

    /// <summary>The email-on run's one reminder (<c>Pledg:Email:Reminders:0</c>), due this long before each deadline.</summary>
    public static readonly TimeSpan ReminderBefore = TimeSpan.FromSeconds(5);

    private enum Mode { Unpledged, PledgedEmailOff, PledgedEmailOn }

    private static readonly object Card = new { number = "4242424242424242", expMonth = 12, expYear = 2030, cvc = "123" };

    /// <summary>Purchases per second of the paced run: 1.7 million a day on one process.</summary>
    public const double PacedRate = 20;

    public static async Task RunAsync(int purchases, LoadReport report)
    {
        await RunOnceAsync(purchases, null, report);
        await RunOnceAsync(purchases, PacedRate, report);
        await RunOnceAsync(purchases, PledgedRate, report, Mode.PledgedEmailOff);
        await RunOnceAsync(purchases, PledgedRate, report, Mode.PledgedEmailOn);
    }

    private static async Task RunOnceAsync(int purchases, double? rate, LoadReport report, Mode mode = Mode.Unpledged)
    {
        var loadBefore = LoadReport.LoadAverage();
        await using var azurite = await Azurite.StartNewAsync();
        await using var sink = mode == Mode.PledgedEmailOn ? await SmtpSink.StartNewAsync() : null;
        await using var service = await InProcessService.StartAsync(azurite, Window, "BenchDeadlines",
            settings: sink is null ? null : InProcessService.EmailTo(sink, ReminderBefore));
        var lags = new ConcurrentBag<double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "pledg.deadline.lag") listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Add(value));
        meters.Start();

        var ids = new ConcurrentBag<string>();
        var start = TimeProvider.System.GetUtcNow();
        var created = await Measurement.RunAsync("create", purchases, 8, async i =>
        {
            if (rate is { } perSecond && start + TimeSpan.FromSeconds(i / perSecond) - TimeProvider.System.GetUtcNow() is { Ticks: > 0 } wait) await Task.Delay(wait);
            var (id, token) = await CreateAsync(service.Http);
            if (mode != Mode.Unpledged) await PledgeAsync(service.Http, token);
            ids.Add(id);
        }, () => service.Counter.Total);
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Purchases");
        var rows = new Dictionary<string, PurchaseEntity>();
        var unpaid = new Dictionary<string, ShareEntity>();
        var lastDeadline = DateTimeOffset.MinValue;
        var giveUp = TimeProvider.System.GetUtcNow() + Window + TimeSpan.FromMinutes(5);
        while (TimeProvider.System.GetUtcNow() < giveUp)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            rows.Clear();
            await foreach (var row in table.QueryAsync<PurchaseEntity>(TableClient.CreateQueryFilter($"RowKey eq {PurchaseEntity.Row}")))
                rows[row.PartitionKey] = row;
            lastDeadline = ids.Select(id => rows.TryGetValue(id, out var r) ? r.Deadline : DateTimeOffset.MaxValue).Max();
            if (ids.All(id => rows.TryGetValue(id, out var r) && r.State == PurchaseStates.Failed)) break;
        }
        if (mode != Mode.Unpledged)
            await foreach (var share in table.QueryAsync<ShareEntity>(TableClient.CreateQueryFilter($"RowKey eq {ShareEntity.RowKeyFor(1)}")))
                unpaid[share.PartitionKey] = share;

        var failed = ids.Where(id => rows.TryGetValue(id, out var r) && r.State == PurchaseStates.Failed).Select(id => rows[id]).ToList();
        var lateness = (mode == Mode.Unpledged
                ? failed.Select(r => r.Timestamp!.Value - r.Deadline)
                : failed.Where(r => unpaid.TryGetValue(r.PartitionKey, out var u) && u.State == PurchaseStates.Failed)
                    .Select(r => unpaid[r.PartitionKey].Timestamp!.Value - r.Deadline))
            .Select(late => late.TotalMilliseconds).Order().ToArray();
        var metric = lags.Order().ToArray();
        var label = (mode, rate) switch
        {
            (Mode.PledgedEmailOff, var paced) => $"standalone, pledged, {paced:F0}/s, email off",
            (Mode.PledgedEmailOn, var paced) => $"standalone, pledged, {paced:F0}/s, email on (reminder {ReminderBefore.TotalSeconds:F0} s before)",
            (_, { } paced) => $"standalone, {paced:F0}/s",
            _ => "standalone, burst",
        };
        report.Results.Lateness.Add(new LatenessRun(label, purchases, lateness));
        report.Heading(mode == Mode.Unpledged
            ? $"Deadline lateness: {purchases} purchases created {(rate is { } r ? $"at {r:F0}/s" : "as fast as the service takes them")}, " +
              $"payment window {Window.TotalSeconds:F0} s, nothing but their orchestrations to fail them"
            : $"Deadline lateness, {label}: {purchases} purchases created and pledged (one pledger, who never pays) at {rate:F0}/s, payment window {Window.TotalSeconds:F0} s" +
              (mode == Mode.PledgedEmailOn ? $", Pledg:Email:Reminders:0 = {ReminderBefore} (SMTP sink on loopback)" : ", Pledg:Email:Enabled=false"));
        report.Row("measure", "purchases", "p50 ms", "p99 ms", "max ms", "min ms", "target p99 ≤ 2,000 ms");
        report.Row(mode == Mode.Unpledged ? "FAILED row's Timestamp − deadline" : "unpaid share row's Timestamp (the FAILED batch) − deadline",
            lateness.Length, Ms(lateness, 0.5), Ms(lateness, 0.99), Ms(lateness, 1), Ms(lateness, 0),
            lateness.Length > 0 && LifecycleLoad.Percentile(lateness, 0.99) <= 2000 ? "met" : "MISSED");
        report.Row("pledg.deadline.lag (service clock before the write)", metric.Length, Ms(metric, 0.5), Ms(metric, 0.99), Ms(metric, 1), Ms(metric, 0), "");
        if (sink is not null) await MessagesAsync(table, sink, ids, failed, report);
        // A paced create's latency includes its wait for its slot: only the burst's p99 says something.
        var createP99 = rate is null ? $", p99 {CreationLoad.Ms(created.Percentile(0.99))} ms" : "";
        report.Line($"{(mode == Mode.Unpledged ? "Created" : "Created and pledged")} at {created.PerSecond:F1}/s (concurrency 8{createP99}, {created.Failures} errors); " +
                    $"{failed.Count} of {ids.Count} FAILED, the last deadline at {lastDeadline:HH:mm:ss}. Load average before: {loadBefore}; now: {LoadReport.LoadAverage()}.");
        if (failed.Count < ids.Count) report.Line($"WARNING: {ids.Count - failed.Count} purchases were not FAILED 5 minutes after their window.");
    }

    /// <summary>What the email-on run sent, from the message rows (service clock): each kind's count
    /// and status, and how long after its due time each reminder went out.</summary>
    private static async Task MessagesAsync(TableClient table, SmtpSink sink, IEnumerable<string> ids, List<PurchaseEntity> failed, LoadReport report)
    {
        // The failed messages go out after the FAILED write: wait (a little) for the last ones.
        var expected = failed.Count * 4;
        try
        {
            await sink.WaitForCountAsync(expected, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
        }
        var wanted = ids.ToHashSet();
        var messages = new List<MessageEntity>();
        await foreach (var row in table.QueryAsync<MessageEntity>(TableClient.CreateQueryFilter(
                           $"RowKey ge {MessageEntity.RowPrefix} and RowKey lt {MessageEntity.RowPrefix[..^1] + (char)(MessageEntity.RowPrefix[^1] + 1)}")))
            if (wanted.Contains(row.PartitionKey)) messages.Add(row);
        var byKind = messages.GroupBy(m => (m.Kind, m.Status)).OrderBy(g => g.Key.Kind).Select(g => $"{g.Key.Kind} {g.Key.Status} {g.Count()}");
        var reminderDelay = messages.Where(m => m.Kind == MessageKinds.Reminder && m.SentAt is not null)
            .Select(m => (m.SentAt!.Value - m.ScheduledFor).TotalMilliseconds).Order().ToArray();
        report.Line($"Messages: the SMTP sink accepted {sink.Messages.Count} (expected 4 a purchase: share request, receipt, reminder, failed); rows: {string.Join(", ", byKind)}. " +
                    $"Reminders sent after their due time (SentAt − ScheduledFor, service clock): p50 / p99 / max {Ms(reminderDelay, 0.5)} / {Ms(reminderDelay, 0.99)} / {Ms(reminderDelay, 1)} ms " +
                    $"over {reminderDelay.Length}.");
    }

    private static async Task PledgeAsync(HttpClient http, string token)
    {
        using var response = await http.PostAsync($"/api/checkout/{token}/pledge", new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new
        {
            pledgers = new[] { new { email = "bob@example.com" } },
            card = Card,
        }, JsonSerializerOptions.Web))
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") },
        });
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"pledge answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<(string Id, string Token)> CreateAsync(HttpClient http)
    {
        using var response = await http.PostAsync("/api/purchases", new ByteArrayContent("""
            {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR","cart":[{"name":"Tent","quantity":1,"unitAmount":12000}],"reference":"late-1"}
            """u8.ToArray())
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") },
        });
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {text}");
        var created = JsonDocument.Parse(text).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("paymentUrl").GetString()!.Split('/')[^1]);
    }

    private static string Ms(double[] sorted, double q) => sorted.Length == 0 ? "-" : CreationLoad.Ms(LifecycleLoad.Percentile(sorted, q));
}
