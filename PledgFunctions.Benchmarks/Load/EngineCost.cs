using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using PledgFunctions.Engine;
using PledgFunctions.Lifecycle;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>What a whole lifecycle costs in storage calls, the engine's included, until its
/// orchestration has ended (the linger after the final state too), beside a bare orchestration
/// doing the same waits on a standalone engine of the same kind with no application storage (each
/// event raced against the deadline's timer, <see cref="BareLifecycle"/>), and beside the
/// events-only bare orchestration measured before (no deadline timer), for comparison.
/// Each N runs on a service and two bare engines of its own (own task hubs, one Azurite), all at the
/// same time, so the 3-minute linger is waited once. Requests are paced (<see cref="Pace"/>) as
/// people would send them, so every nudge and every bare event is an episode of its own.
/// Polling goes on whatever happens: each engine's idle rate is measured first, with everything
/// started and nothing to do, and subtracted over each window.
/// Beside each N's service (email off, <c>Pledg:Email:Enabled=false</c>) runs a twin with email on
/// (contract 1.2), sending to an SMTP sink of its own on loopback, with one reminder
/// <see cref="Reminder"/> before the deadline so it is planned inside the payment window: the same
/// lifecycles at the same time, so the two are compared within one run.</summary>
public static class EngineCost
{
    public static readonly TimeSpan Pace = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan PaymentWindow = TimeSpan.FromMinutes(2);

    /// <summary>The messages-on services' one reminder offset (<c>Pledg:Email:Reminders:0</c>): due a
    /// minute after the pledge with the 2-minute window. The defaults (24 h, 3 h) fall before any
    /// pledge made in a 2-minute window and would be skipped.</summary>
    public static readonly TimeSpan Reminder = TimeSpan.FromMinutes(1);

    private sealed record Group(int Pledgers, int Count, InProcessService Service, BareEngine Bare, string Hub, string BareHub,
        BareEngine EventsOnly, string EventsOnlyHub, InProcessService Messages, string MessagesHub, SmtpSink Sink);

    /// <param name="Mails">Messages the SMTP sink accepted during the window (0 with email off).</param>
    private sealed record Window(long App, long Engine, double Seconds, Dictionary<string, long> Calls, int Probes, int Mails = 0);

    public static async Task RunAsync(double scale, LoadReport report)
    {
        await using var azurite = await Azurite.StartNewAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var plan = new[] { (0, 20), (1, 20), (5, 10), (20, 5) };
        var hubs = plan.SelectMany(p => new[] { $"BenchN{p.Item1:D2}", $"BareN{p.Item1:D2}", $"EvtsN{p.Item1:D2}", $"MsgsN{p.Item1:D2}" }).ToArray();
        using var calls = StorageCalls.Record(azurite, hubs);
        var groups = new List<Group>();
        var sinks = new List<SmtpSink>();
        try
        {
            foreach (var (pledgers, count) in plan)
            {
                // One at a time: each start creates its task hub and app tables; in parallel they would only queue on Azurite.
                var service = await InProcessService.StartAsync(azurite, PaymentWindow, $"BenchN{pledgers:D2}");
                var bare = await BareEngine.StartAsync(azurite.ConnectionString, $"BareN{pledgers:D2}");
                var eventsOnly = await BareEngine.StartAsync(azurite.ConnectionString, $"EvtsN{pledgers:D2}");
                var sink = await SmtpSink.StartNewAsync();
                sinks.Add(sink);
                var messages = await InProcessService.StartAsync(azurite, PaymentWindow, $"MsgsN{pledgers:D2}", settings: InProcessService.EmailTo(sink, Reminder));
                groups.Add(new Group(pledgers, Math.Max(2, (int)Math.Round(count * scale)), service, bare, $"BenchN{pledgers:D2}", $"BareN{pledgers:D2}",
                    eventsOnly, $"EvtsN{pledgers:D2}", messages, $"MsgsN{pledgers:D2}", sink));
            }
            // Warm-up on the N = 0 pair (JIT, channels) and the first messages-on service (the mail path); their calls fall before every measured window.
            await LifecycleLoad.RunOneAsync(groups[0].Service.Http, 1, receiver.Url);
            // No pledger there: a reminder planned now would fire during the idle measurement.
            await LifecycleLoad.RunOneAsync(groups[0].Messages.Http, 0, receiver.Url);
            await groups[0].Sink.WaitForCountAsync(2, TimeSpan.FromMinutes(2));
            await BareOneAsync(groups[0].Bare.Client, 2, TimeSpan.Zero, PaymentWindow);
            await BareOneAsync(groups[0].EventsOnly.Client, 2, TimeSpan.Zero, null);
            await Task.Delay(TimeSpan.FromSeconds(10));

            var idleSeconds = scale < 1 ? 30 : 60;
            var idleBefore = groups.Select(g => (Service: g.Service.EngineCounter.Total, Bare: g.Bare.Counter.Total, App: g.Service.Counter.Total,
                Calls: calls.Of(g.Hub), BareCalls: calls.Of(g.BareHub), EventsOnly: g.EventsOnly.Counter.Total,
                Messages: g.Messages.EngineCounter.Total, MessagesApp: g.Messages.Counter.Total)).ToList();
            var idleClock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
            var idleElapsed = idleClock.Elapsed.TotalSeconds;
            var idle = groups.Select((g, i) => (
                Service: (g.Service.EngineCounter.Total - idleBefore[i].Service) / idleElapsed,
                Bare: (g.Bare.Counter.Total - idleBefore[i].Bare) / idleElapsed,
                App: (g.Service.Counter.Total - idleBefore[i].App) / idleElapsed,
                Calls: StorageCalls.Minus(calls.Of(g.Hub), idleBefore[i].Calls),
                BareCalls: StorageCalls.Minus(calls.Of(g.BareHub), idleBefore[i].BareCalls),
                EventsOnly: (g.EventsOnly.Counter.Total - idleBefore[i].EventsOnly) / idleElapsed,
                Messages: (g.Messages.EngineCounter.Total - idleBefore[i].Messages) / idleElapsed,
                MessagesApp: (g.Messages.Counter.Total - idleBefore[i].MessagesApp) / idleElapsed)).ToList();

            var received = receiver.Received;
            var batchesBefore = calls.Of("any").GetValueOrDefault(StorageCalls.Batch);
            var windows = await Task.WhenAll(groups.Select(g => Task.WhenAll(LifecyclesAsync(g, g.Service, g.Hub, null, receiver, calls, report),
                BaresAsync(g.Count, g.Pledgers, g.Bare, g.BareHub, PaymentWindow, calls), BaresAsync(g.Count, g.Pledgers, g.EventsOnly, g.EventsOnlyHub, null, calls),
                LifecyclesAsync(g, g.Messages, g.MessagesHub, g.Sink, receiver, calls, report))));

            report.Heading($"Idle engines: nothing happening ({idleElapsed:F0} s, {groups.Count * 4} engines in this process, each {new EngineOptions().PartitionCount} partition(s), MaxQueuePollingInterval 1 s)");
            report.Row("engine", "engine calls/s", "app calls/s", "calls/s by kind");
            for (var i = 0; i < groups.Count; i++)
            {
                report.Row($"service {groups[i].Hub}", idle[i].Service.ToString("F2"), idle[i].App.ToString("F2"), Kinds(idle[i].Calls, idleElapsed));
                report.Row($"bare {groups[i].BareHub}", idle[i].Bare.ToString("F2"), "0", Kinds(idle[i].BareCalls, idleElapsed));
                report.Row($"events-only bare {groups[i].EventsOnlyHub}", idle[i].EventsOnly.ToString("F2"), "0", "");
                report.Row($"service, email on {groups[i].MessagesHub}", idle[i].Messages.ToString("F2"), idle[i].MessagesApp.ToString("F2"), "");
            }
            var idleMean = idle.Average(x => (x.Service + x.Bare) / 2);
            report.Results.IdleEngineCallsPerSecond = idleMean;
            report.Line($"Mean idle cost: {idleMean:F2} engine calls/s per engine = {idleMean * 86400:F0} a day, whatever the traffic.");

            report.Heading("Storage calls per whole lifecycle, until its orchestration ended (the service) vs a bare orchestration with the same waits " +
                           "(each event raced against the deadline's durable timer, set at the start and again after the pledge)");
            report.Row("N", "lifecycles", "app ops/lifecycle", "engine calls/lifecycle raw", "window s", "idle share/lifecycle", "engine calls/lifecycle (idle removed)",
                "bare: instances", "bare engine calls raw", "bare window s", "bare idle share", "bare engine calls (idle removed)", "engine ratio",
                "total (engine + app)", "target 1.3 × bare + app", "within", "events-only bare (idle removed)", "ratio to it", "target with it", "within");
            for (var i = 0; i < groups.Count; i++)
            {
                var (g, (life, bare, eventsOnly)) = (groups[i], (windows[i][0], windows[i][1], windows[i][2]));
                var lifeIdle = idle[i].Service * life.Seconds / g.Count;
                var bareIdle = idle[i].Bare * bare.Seconds / g.Count;
                var lifeEngine = (double)(life.Engine - life.Probes) / g.Count;
                var bareEngine = (double)(bare.Engine - bare.Probes) / g.Count;
                var app = (double)life.App / g.Count;
                var total = lifeEngine - lifeIdle + app;
                var target = 1.3 * (bareEngine - bareIdle) + app;
                var eventsOnlyEngine = (double)(eventsOnly.Engine - eventsOnly.Probes) / g.Count - idle[i].EventsOnly * eventsOnly.Seconds / g.Count;
                var eventsOnlyTarget = 1.3 * eventsOnlyEngine + app;
                report.Results.EngineCost.Add(new EngineCostPoint(g.Pledgers, g.Count, app, lifeEngine - lifeIdle, bareEngine - bareIdle, eventsOnlyEngine, 0, 0));
                report.Row(g.Pledgers, g.Count, app.ToString("F1"), lifeEngine.ToString("F1"), life.Seconds.ToString("F0"), lifeIdle.ToString("F1"),
                    (lifeEngine - lifeIdle).ToString("F1"), g.Count, bareEngine.ToString("F1"), bare.Seconds.ToString("F0"), bareIdle.ToString("F1"),
                    (bareEngine - bareIdle).ToString("F1"), CreationLoad.Ratio(lifeEngine - lifeIdle, bareEngine - bareIdle),
                    total.ToString("F1"), target.ToString("F1"), total <= target ? "yes" : "NO", eventsOnlyEngine.ToString("F1"),
                    CreationLoad.Ratio(lifeEngine - lifeIdle, eventsOnlyEngine), eventsOnlyTarget.ToString("F1"), total <= eventsOnlyTarget ? "yes" : "NO");
            }
            report.Line($"The local receiver got {receiver.Received - received} webhook deliveries for {groups.Sum(g => 2 * g.Count)} lifecycles (email off and on). " +
                        $"Payment window {PaymentWindow.TotalMinutes:F0} min, requests {Pace.TotalSeconds:F1} s apart, status reads taken off: " +
                        $"{string.Join(" / ", windows.Select(w => $"{w[0].Probes}+{w[1].Probes}"))}.");

            report.Heading("Where the engine's calls go, per lifecycle (attributed by task hub; a $batch names no table, so batches are those of every hub and the app)");
            foreach (var (g, i) in groups.Select((g, i) => (g, i)))
            {
                var (life, bare) = (windows[i][0], windows[i][1]);
                report.Line($"N = {g.Pledgers}: service {Kinds(life.Calls, g.Count)}; bare {Kinds(bare.Calls, g.Count)}. " +
                            $"Expected from idle polling alone over the windows: service {Kinds(idle[i].Calls, idleElapsed / life.Seconds * g.Count)}; " +
                            $"bare {Kinds(idle[i].BareCalls, idleElapsed / bare.Seconds * g.Count)}.");
            }
            report.Line($"Table batches (the engine's history appends and the app's transactions) during the windows, all together: " +
                        $"{calls.Of("any").GetValueOrDefault(StorageCalls.Batch) - batchesBefore}; each hub's are in its counter's total and in its work calls below.");

            report.Heading("Engine work calls per lifecycle: the calls that are not polling (sends, deletes, history and instance reads and writes, history batches)");
            report.Row("N", "service work calls", "bare work calls", "ratio", "service receives above idle", "bare receives above idle", "events-only bare work calls", "ratio to it");
            for (var i = 0; i < groups.Count; i++)
            {
                var (g, life, bare, eventsOnly) = (groups[i], windows[i][0], windows[i][1], windows[i][2]);
                double Work(Window w) => (double)(w.Engine - w.Probes - Polling(w.Calls)) / g.Count;
                double Above(Window w, Dictionary<string, long> idleCalls) =>
                    (Receives(w.Calls) - Receives(idleCalls) / idleElapsed * w.Seconds) / g.Count;
                report.Results.EngineCost[i] = report.Results.EngineCost[i] with { EngineWorkCalls = Work(life), BareWorkCalls = Work(bare) };
                report.Row(g.Pledgers, Work(life).ToString("F1"), Work(bare).ToString("F1"), CreationLoad.Ratio(Work(life), Work(bare)),
                    Above(life, idle[i].Calls).ToString("F1"), Above(bare, idle[i].BareCalls).ToString("F1"),
                    Work(eventsOnly).ToString("F1"), CreationLoad.Ratio(Work(life), Work(eventsOnly)));
            }

            report.Heading($"Messages on vs off (contract 1.2): calls per whole lifecycle, the same lifecycles at the same time on twin services " +
                           $"(off: Pledg:Email:Enabled=false; on: Enabled=true, an SMTP sink on loopback, Reminders:0 = {Reminder} before the {PaymentWindow.TotalMinutes:F0}-min deadline)");
            report.Row("N", "lifecycles", "emails sent/lifecycle (sink)", "app calls off", "app calls on", "engine calls off (idle removed)", "engine calls on (idle removed)",
                "engine work calls off", "engine work calls on", "activities off", "activities on", "control-queue sends off", "control-queue sends on",
                "Instances-table writes off", "Instances-table writes on", "total off (app + engine)", "total on", "on/off total", "on/off work calls", "on/off app");
            for (var i = 0; i < groups.Count; i++)
            {
                var (g, off, on) = (groups[i], windows[i][0], windows[i][3]);
                double Per(double value) => value / g.Count;
                double Engine(Window w, double idleRate) => Per(w.Engine - w.Probes) - idleRate * w.Seconds / g.Count;
                double Work(Window w) => Per(w.Engine - w.Probes - Polling(w.Calls));
                var (offEngine, onEngine) = (Engine(off, idle[i].Service), Engine(on, idle[i].Messages));
                var (offApp, onApp) = (Per(off.App), Per(on.App));
                var point = new MessagesCostPoint(g.Pledgers, g.Count, Per(on.Mails), offApp, onApp, offEngine, onEngine, Work(off), Work(on),
                    Per(Activities(off.Calls)), Per(Activities(on.Calls)), Per(ControlSends(off.Calls)), Per(ControlSends(on.Calls)),
                    Per(InstanceWrites(off.Calls)), Per(InstanceWrites(on.Calls)));
                report.Results.MessagesCost.Add(point);
                report.Row(g.Pledgers, g.Count, point.EmailsSent.ToString("F1"), offApp.ToString("F1"), onApp.ToString("F1"), offEngine.ToString("F1"), onEngine.ToString("F1"),
                    point.OffWorkCalls.ToString("F1"), point.OnWorkCalls.ToString("F1"), point.OffActivities.ToString("F1"), point.OnActivities.ToString("F1"),
                    point.OffControlSends.ToString("F1"), point.OnControlSends.ToString("F1"), point.OffInstanceWrites.ToString("F1"), point.OnInstanceWrites.ToString("F1"),
                    (offApp + offEngine).ToString("F1"), (onApp + onEngine).ToString("F1"), CreationLoad.Ratio(onApp + onEngine, offApp + offEngine),
                    CreationLoad.Ratio(point.OnWorkCalls, point.OffWorkCalls), CreationLoad.Ratio(onApp, offApp));
            }
            report.Line("Activities = work-item queue sends (one per activity call, retries included); control-queue sends = activity results, " +
                        "timers, nudges and starts; Instances-table writes ≈ one per episode. Emails sent = messages the sink accepted in the window.");
            foreach (var (g, i) in groups.Select((g, i) => (g, i)))
                report.Line($"N = {g.Pledgers}, email on: {Kinds(windows[i][3].Calls, g.Count)}; email off: {Kinds(windows[i][0].Calls, g.Count)}.");
        }
        finally
        {
            foreach (var g in groups)
            {
                await g.Bare.DisposeAsync();
                await g.EventsOnly.DisposeAsync();
                await g.Service.DisposeAsync();
                await g.Messages.DisposeAsync();
            }
            foreach (var sink in sinks) await sink.DisposeAsync();
        }
    }

    private static async Task<Window> LifecyclesAsync(Group g, InProcessService service, string hub, SmtpSink? sink, WebhookReceiver receiver, StorageCalls calls, LoadReport report)
    {
        var (app, engine, before, mails) = (service.Counter.Total, service.EngineCounter.Total, calls.Of(hub), sink?.Messages.Count ?? 0);
        var clock = Stopwatch.StartNew();
        var steps = new List<LifecycleLoad.Steps>();
        for (var i = 0; i < g.Count; i++)
        {
            try
            {
                steps.Add(await LifecycleLoad.RunOneAsync(service.Http, g.Pledgers, receiver.Url, Pace));
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
            {
                report.Line($"WARNING: a lifecycle with N = {g.Pledgers} ({hub}) failed and is left out of the counts: {e.Message[..Math.Min(e.Message.Length, 160)]}");
            }
        }
        var probes = await WaitForEndAsync(service.Durable, steps.Select(s => s.PurchaseId).ToList(), PurchaseLifecycle.LingerAfterFinal);
        var seconds = clock.Elapsed.TotalSeconds;
        return new Window(service.Counter.Total - app, service.EngineCounter.Total - engine, seconds,
            StorageCalls.Minus(calls.Of(hub), before), probes, (sink?.Messages.Count ?? 0) - mails);
    }

    private static async Task<Window> BaresAsync(int count, int pledgers, BareEngine bare, string hub, TimeSpan? window, StorageCalls calls)
    {
        var (engine, before) = (bare.Counter.Total, calls.Of(hub));
        var clock = Stopwatch.StartNew();
        var (ids, probes) = (new List<string>(), 0);
        for (var i = 0; i < count; i++)
        {
            var (id, startReads) = await BareOneAsync(bare.Client, pledgers + 1, Pace, window);
            probes += startReads;
            ids.Add(id);
        }
        probes += await WaitForEndAsync(bare.Client, ids, PurchaseLifecycle.LingerAfterFinal);
        var seconds = clock.Elapsed.TotalSeconds;
        return new Window(0, bare.Counter.Total - engine, seconds, StorageCalls.Minus(calls.Of(hub), before), probes);
    }

    /// <summary>A bare lifecycle at the lifecycle's pace; the timer is the linger's length (1 s unpaced).</summary>
    private static Task<(string Id, int Probes)> BareOneAsync(DurableTaskClient client, int events, TimeSpan pace, TimeSpan? window) =>
        BareClient.RunOneAsync(client, new BareInput(events, pace == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : PurchaseLifecycle.LingerAfterFinal, window), pace);

    /// <summary>Waits out the linger, then asks each instance until all have ended; returns how many
    /// status reads that took (one Instances-table read each, taken off the window's count).</summary>
    private static async Task<int> WaitForEndAsync(DurableTaskClient client, List<string> ids, TimeSpan linger)
    {
        await Task.Delay(linger);
        var probes = 0;
        var open = ids.ToList();
        var giveUp = Stopwatch.StartNew();
        while (open.Count > 0 && giveUp.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var ended = new List<string>();
            foreach (var id in open)
            {
                probes++;
                var state = await client.GetInstanceAsync(id);
                if (state is { IsCompleted: true }) ended.Add(id);
            }
            open.RemoveAll(ended.Contains);
        }
        if (open.Count > 0) throw new TimeoutException($"{open.Count} orchestrations had not ended 10 minutes after their linger, e.g. {open[0]}");
        return probes;
    }

    /// <summary>Queue receives, partition-table upkeep and lease blobs: what an engine does on its own clock.</summary>
    private static long Polling(Dictionary<string, long> calls) =>
        calls.Where(c => c.Key.EndsWith(" receive", StringComparison.Ordinal) || c.Key.StartsWith("table Partitions", StringComparison.Ordinal)
                         || c.Key.StartsWith("blob ", StringComparison.Ordinal)).Sum(c => c.Value);

    private static long Activities(Dictionary<string, long> calls) => calls.GetValueOrDefault("queue workitems send");

    private static long ControlSends(Dictionary<string, long> calls) => calls.GetValueOrDefault("queue control-NN send");

    private static long InstanceWrites(Dictionary<string, long> calls) =>
        calls.Where(c => c.Key.StartsWith("table Instances ", StringComparison.Ordinal) && !c.Key.EndsWith(" GET", StringComparison.Ordinal)).Sum(c => c.Value);

    private static double Receives(Dictionary<string, long> calls) => calls.Where(c => c.Key.EndsWith(" receive", StringComparison.Ordinal)).Sum(c => c.Value);

    private static string Kinds(Dictionary<string, long> calls, double per) =>
        string.Join(", ", calls.Where(c => c.Value > 0).OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value / per:F1}"));
}
