using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Benchmarks.Micro;

/// <summary>A stored purchase as the merchant API answers it: PurchaseView.From (which parses the
/// stored cart and pledger JSON) and serialization with the response options.</summary>
[MemoryDiagnoser]
public class PurchaseJsonBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 18, 0, 0, TimeSpan.Zero);
    private PurchaseEntity _entity = null!;
    private PurchaseView _view = null!;

    [Params(0, 20)]
    public int Pledgers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var id = PurchaseKeys.NewPurchaseId(Now);
        _entity = new PurchaseEntity
        {
            PartitionKey = id, MerchantId = "mer_0123456789abcdef", MerchantName = "Shop", OrganizerEmail = "alice@example.com",
            Amount = 12000, Currency = "EUR",
            CartJson = """[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}]""",
            Reference = "order-123", NotificationUrl = "https://merchant.example/pledg-events",
            OrganizerToken = PurchaseKeys.NewOrganizerToken(id), BaseUrl = "https://pay.example", CreatedAt = Now, Deadline = Now.AddDays(2),
            PledgedAt = Pledgers > 0 ? Now : null, ShareCount = Pledgers + 1,
            PledgerEmailsJson = JsonSerializer.Serialize(Enumerable.Range(1, Pledgers).Select(i => $"friend{i}@example.com"), JsonBody.ResponseOptions),
        };
        _view = PurchaseView.From(_entity, Now);
    }

    [Benchmark]
    public PurchaseView View() => PurchaseView.From(_entity, Now);

    [Benchmark]
    public string Serialize() => JsonSerializer.Serialize(_view, JsonBody.ResponseOptions);

    [Benchmark(Baseline = true)]
    public string ViewAndSerialize() => JsonSerializer.Serialize(PurchaseView.From(_entity, Now), JsonBody.ResponseOptions);

    [Benchmark]
    public byte[] ViewAndSerializeToUtf8() => JsonSerializer.SerializeToUtf8Bytes(PurchaseView.From(_entity, Now), JsonBody.ResponseOptions);
}
