using BenchmarkDotNet.Attributes;
using PledgFunctions.Money;

namespace PledgFunctions.Benchmarks.Micro;

/// <summary>The split of a pledge: equal (no pledger amounts) and custom (every pledger gives one).</summary>
[MemoryDiagnoser]
public class SplitBenchmarks
{
    private IReadOnlyList<long?> _equal = null!;
    private IReadOnlyList<long?> _custom = null!;

    [Params(1, 5, 20)]
    public int Pledgers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _equal = Enumerable.Repeat<long?>(null, Pledgers).ToList();
        _custom = Enumerable.Range(1, Pledgers).Select(i => (long?)(100 + i)).ToList();
    }

    [Benchmark(Baseline = true)]
    public SplitResult Equal() => Split.Compute(1_234_567, _equal);

    [Benchmark]
    public SplitResult Custom() => Split.Compute(1_234_567, _custom);
}
