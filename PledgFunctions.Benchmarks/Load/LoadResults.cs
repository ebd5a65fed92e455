using System.Text.Json;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>What a load run measured, as data: <c>load ... --results run.json</c> writes it and
/// <c>charts --results run.json</c> draws it. Only the parts that have a chart record here; the
/// Markdown tables stay the full report.</summary>
public sealed record LoadResults
{
    public string Command { get; set; } = "";
    public DateTimeOffset Date { get; set; }
    public string Machine { get; set; } = "";
    public string LoadAverageBefore { get; set; } = "";
    public string LoadAverageAfter { get; set; } = "";
    public List<PacedPoint> Paced { get; init; } = [];
    public List<EngineCostPoint> EngineCost { get; init; } = [];
    public double? IdleEngineCallsPerSecond { get; set; }
    public List<LatenessRun> Lateness { get; init; } = [];
    public List<MessagesCostPoint> MessagesCost { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public Task SaveAsync(string path) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    public static LoadResults Load(string path) =>
        JsonSerializer.Deserialize<LoadResults>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no results");
}

/// <summary>One rate of PacedLifecycles on one host; latencies in ms, CPU busy as a fraction of the machine.</summary>
public sealed record PacedPoint(string Host, double Rate, int Lifecycles, int Failed, double CpuBusy,
    double CreateP50, double CreateP99, double PledgeP50, double PledgeP99, double PayP50, double PayP99);

/// <summary>One N of EngineCost: calls per whole lifecycle with the idle polling removed.</summary>
public sealed record EngineCostPoint(int Pledgers, int Lifecycles, double AppOps, double EngineCalls, double BareEngineCalls,
    double EventsOnlyBareEngineCalls, double EngineWorkCalls, double BareWorkCalls);

/// <summary>One N of EngineCost's email-off and email-on twins (contract 1.2): per whole lifecycle,
/// engine calls with the idle polling removed; activities = work-item queue sends.</summary>
public sealed record MessagesCostPoint(int Pledgers, int Lifecycles, double EmailsSent, double OffAppOps, double OnAppOps,
    double OffEngineCalls, double OnEngineCalls, double OffWorkCalls, double OnWorkCalls, double OffActivities, double OnActivities,
    double OffControlSends, double OnControlSends, double OffInstanceWrites, double OnInstanceWrites);

/// <summary>One lateness run: every FAILED purchase's storage Timestamp − deadline, sorted, in ms.</summary>
public sealed record LatenessRun(string Label, int Purchases, double[] LatenessMs);
