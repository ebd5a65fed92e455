using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using PledgFunctions.Storage;

namespace PledgFunctions.Benchmarks.Load;

/// <summary>The same work done with the fewest raw storage calls, straight from this process with
/// Azure.Data.Tables and Azure.Storage.Queues, on tables of its own in the same Azurite. What each
/// operation minimally needs:
/// create = insert the purchase row + enqueue its deadline timer (2);
/// pledge = read the purchase (its ETag) + one transaction {purchase If-Match, N+1 share inserts} (2);
/// pay = read purchase and share in one query + one transaction {share If-Match, purchase If-Match} (2).
/// A lifecycle with N pledgers is therefore 2N + 4 calls. Rows have the service's shape (same entity types).</summary>
public sealed class Baseline
{
    private readonly TableClient _purchases;
    private readonly QueueClient _timers;

    private Baseline(TableClient purchases, QueueClient timers, StorageOperationCounter counter)
    {
        _purchases = purchases;
        _timers = timers;
        Counter = counter;
    }

    public StorageOperationCounter Counter { get; }

    /// <summary>Over <paramref name="table"/>: the baseline's own by default, the service's to read its rows.</summary>
    public static async Task<Baseline> CreateAsync(string connectionString, string table = "BaselinePurchases")
    {
        var counter = new StorageOperationCounter();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var purchases = new TableServiceClient(connectionString, tableOptions).GetTableClient(table);
        var queue = new QueueServiceClient(connectionString, queueOptions).GetQueueClient("baseline-timers");
        await purchases.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        return new Baseline(purchases, queue, counter);
    }

    public async Task<string> CreateAsync(DateTimeOffset now)
    {
        var id = PurchaseKeys.NewPurchaseId(now);
        await _purchases.AddEntityAsync(NewPurchase(id, now));
        await _timers.SendMessageAsync(JsonSerializer.Serialize(new TimerMessage(id, now.AddDays(2))), TimeSpan.FromDays(2), TimeSpan.FromSeconds(-1));
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

    public async Task ReadAsync(string purchaseId) => await _purchases.GetEntityAsync<PurchaseEntity>(purchaseId, PurchaseEntity.Row);

    /// <summary>The purchase row and its shares in one range query, as PurchaseTable.GetWithSharesAsync reads them.</summary>
    public async Task ReadWithSharesAsync(string purchaseId)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {purchaseId} and RowKey ge {PurchaseEntity.Row} and RowKey lt {"share."}");
        await foreach (var _ in _purchases.QueryAsync<TableEntity>(filter)) { }
    }

    private static PurchaseEntity NewPurchase(string id, DateTimeOffset now) => new()
    {
        PartitionKey = id, MerchantId = "mer_0123456789abcdef", MerchantName = "Bench Shop", OrganizerEmail = "alice@example.com",
        Amount = 12000, Currency = "EUR", CartJson = """[{"name":"Tent","quantity":1,"unitAmount":12000}]""", Reference = "order-123",
        OrganizerToken = PurchaseKeys.NewOrganizerToken(id), BaseUrl = "http://127.0.0.1", CreatedAt = now, Deadline = now.AddDays(2),
    };
}
