using PledgFunctions.Faults;
using Xunit.Abstractions;

namespace PledgFunctions.Tests.Faults;

/// <summary>The fault suite's short form (5 crash cycles, a short outage, 200 duplicate pays and
/// creates, 1,500 malformed requests, a rate-limit flood). The full form runs with
/// <c>dotnet run -c Release --project PledgFunctions.Benchmarks -- faults</c>.</summary>
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheShortFaultSuiteFindsNoViolation()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var report = await FaultSuite.RunAsync(FaultSuiteOptions.Short, output.WriteLine, limit.Token);
        Assert.True(report.Violations.Count == 0, string.Join("\n", report.Violations.Take(30)));
    }
}
