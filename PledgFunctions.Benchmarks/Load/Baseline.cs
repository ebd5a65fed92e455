using Azure.Core;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>The same work done with the fewest raw calls, straight from this process with
/// Azure.Data.Tables (and, for a create, the engine's own client), in the same Azurite. What each
/// operation minimally needs:
/// create = insert the purchase row + start its orchestration (DurableTaskClient.ScheduleNewOrchestrationInstanceAsync
/// of PurchaseLifecycle on the service's engine, instance id = purchase id): 1 table call + the engine's start;
/// pledge = read the purchase (its ETag) + one transaction {purchase If-Match, N+1 share inserts} (2);
/// pay = read purchase and share in one query + one transaction {share If-Match, purchase If-Match} (2).
/// A lifecycle with N pledgers therefore needs 2N + 3 application calls. Rows have the service's shape.</summary>
public sealed class Baseline
{
    private readonly TableClient _purchases;
    private readonly DurableTaskClient? _engine;

    private Baseline(TableClient purchases, DurableTaskClient? engine, StorageOperationCounter counter)
    {
        _purchases = purchases;
        _engine = engine;
        Counter = counter;
    }

    public StorageOperationCounter Counter { get; }

    /// <summary>Over <paramref name="table"/>; with <paramref name="engine"/>, a create also starts the
    /// purchase's orchestration there (then use the service's Purchases table, so the orchestration
    /// finds its purchase and waits for its deadline like any other).</summary>
    public static async Task<Baseline> CreateAsync(string connectionString, string table = "BaselinePurchases", DurableTaskClient? engine = null)
    {
        var counter = new StorageOperationCounter();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var purchases = new TableServiceClient(connectionString, tableOptions).GetTableClient(table);
        await purchases.CreateIfNotExistsAsync();
        return new Baseline(purchases, engine, counter);
    }

    public async Task<string> CreateAsync(DateTimeOffset now)
    {
        var id = PurchaseKeys.NewPurchaseId(now);
        if (_engine is not null)
            await _engine.ScheduleNewOrchestrationInstanceAsync(nameof(PurchaseLifecycle), new LifecycleInput(id, TimeSpan.FromSeconds(30), now.AddDays(2)),
                new StartOrchestrationOptions(InstanceId: id));
        await _purchases.AddEntityAsync(NewPurchase(id, now));
        return id;
    }

    public async Task LifecycleAsync(int pledgers, DateTimeOffset now)
    {
        var id = await CreateAsync(now);

        var purchase = (await _purchases.GetEntityAsync<PurchaseEntity>(id, PurchaseEntity.Row)).Value;
        purchase.PledgedAt = now;
        purchase.ShareCount = pledgers + 1;
        purchase.PaidShareCount = 1;
        if (pledgers == 0) purchase.State = PurchaseStates.Succeeded;
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, purchase, purchase.ETag) };
        for (var i = 0; i <= pledgers; i++)
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new ShareEntity
            {
                PartitionKey = id, RowKey = ShareEntity.RowKeyFor(i), Index = i, Email = $"member{i}@example.com", Amount = 12000 / (pledgers + 1),
                State = i == 0 ? PurchaseStates.Succeeded : PurchaseStates.Initialized, Token = i == 0 ? null : PurchaseKeys.NewShareToken(id, i),
            }));
        await _purchases.SubmitTransactionAsync(actions);

        for (var i = 1; i <= pledgers; i++)
        {
            PurchaseEntity? p = null;
            ShareEntity? share = null;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and (RowKey eq {PurchaseEntity.Row} or RowKey eq {ShareEntity.RowKeyFor(i)})");
            await foreach (var row in _purchases.QueryAsync<TableEntity>(filter))
            {
                if (row.RowKey == PurchaseEntity.Row) p = TableEntityConverter.To<PurchaseEntity>(row);
                else share = TableEntityConverter.To<ShareEntity>(row);
            }
            share!.State = PurchaseStates.Succeeded;
            share.PaidAt = now;
            p!.PaidShareCount++;
            if (p.PaidShareCount == p.ShareCount) p.State = PurchaseStates.Succeeded;
            await _purchases.SubmitTransactionAsync([
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, share, share.ETag),
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, p, p.ETag),
            ]);
        }
    }

    private static PurchaseEntity NewPurchase(string id, DateTimeOffset now) => new()
    {
        PartitionKey = id, MerchantId = "mer_0123456789abcdef", MerchantName = "Bench Shop", OrganizerEmail = "alice@example.com",
        Amount = 12000, Currency = "EUR", CartJson = """[{"name":"Tent","quantity":1,"unitAmount":12000}]""", Reference = "order-123",
        OrganizerToken = PurchaseKeys.NewOrganizerToken(id), BaseUrl = "http://127.0.0.1", CreatedAt = now, Deadline = now.AddDays(2),
    };
}
