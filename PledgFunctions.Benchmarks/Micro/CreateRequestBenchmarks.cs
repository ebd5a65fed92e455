using System.Text;
using BenchmarkDotNet.Attributes;
using PledgFunctions.Errors;
using PledgFunctions.Purchases;

namespace PledgFunctions.Benchmarks.Micro;

/// <summary>What <c>POST /api/purchases</c> does to a body before touching storage: parse it
/// (JsonBody, strict numbers) and validate it.</summary>
[MemoryDiagnoser]
public class CreateRequestBenchmarks
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR",
         "cart":[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}],
         "reference":"order-123","notificationUrl":"https://merchant.example/pledg-events"}
        """);
    private static readonly byte[] Malformed = Encoding.UTF8.GetBytes("""{"organizerEmail":"alice@example.com","amount":"12000","currency":"EUR"}""");
    private CreatePurchaseRequest _parsed = null!;

    [GlobalSetup]
    public void Setup() => JsonBody.TryParse(Body, optional: false, out _parsed!, out _);

    [Benchmark]
    public CreatePurchaseRequest? Parse() => JsonBody.TryParse<CreatePurchaseRequest>(Body, optional: false, out var value, out _) ? value : null;

    [Benchmark]
    public int Validate() => _parsed.Validate().Count;

    [Benchmark(Baseline = true)]
    public int ParseAndValidate() => JsonBody.TryParse<CreatePurchaseRequest>(Body, optional: false, out var value, out _) ? value!.Validate().Count : -1;

    /// <summary>A wrong JSON type: the exception path every malformed body takes.</summary>
    [Benchmark]
    public bool ParseMalformed() => JsonBody.TryParse<CreatePurchaseRequest>(Malformed, optional: false, out _, out _);
}
