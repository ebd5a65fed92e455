using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>The service started the way the Functions host starts its custom handler: the
/// executable with no arguments, FUNCTIONS_CUSTOMHANDLER_PORT (and the host's other variables) in
/// its environment, Pledg:Lifecycle:InProcessWorkers not configured. ASPNETCORE_URLS names another
/// port, as an inherited environment may: the handler port must win.</summary>
public sealed class CustomHandlerFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://pledg-functions.example";
    public static readonly TimeSpan PaymentWindow = TimeSpan.FromSeconds(3);

    public Azurite Azurite { get; private set; } = null!;
    public ServiceProcess Handler { get; private set; } = null!;
    public WebhookReceiver Receiver { get; private set; } = null!;
    public int HandlerPort { get; } = FreePorts.Next();
    public int UrlsPort { get; } = FreePorts.Next();

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartNewAsync();
        Receiver = await WebhookReceiver.StartNewAsync();
        Handler = await ServiceProcess.StartAsync(Azurite,
            new Dictionary<string, string?>
            {
                ["Pledg:PaymentWindow"] = PaymentWindow.ToString(),
                ["Pledg:PublicBaseUrl"] = PublicBaseUrl,
                ["Pledg:Webhooks:FirstRetryDelay"] = "00:00:01",
                ["Pledg:RateLimits:ClientAddressHeader"] = "X-Forwarded-For",
            },
            new Dictionary<string, string?>
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = HandlerPort.ToString(),
                ["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = Guid.NewGuid().ToString(),
                ["FUNCTIONS_APP_ROOT_PATH"] = AppContext.BaseDirectory,
                ["FUNCTIONS_WORKER_RUNTIME"] = "custom",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{UrlsPort}",
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            });
    }

    public async Task DisposeAsync()
    {
        await Handler.DisposeAsync();
        await Receiver.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public QueueClient Queue(string name) => new QueueServiceClient(Azurite.ConnectionString).GetQueueClient(name);

    public async Task<PurchaseEntity> StoredAsync(string purchaseId) =>
        (await new TableServiceClient(Azurite.ConnectionString).GetTableClient("Purchases").GetEntityAsync<PurchaseEntity>(purchaseId, PurchaseEntity.Row)).Value;

    /// <summary>Takes a message off the queue the way the host's queue trigger does (dequeued,
    /// invisible for host.json's 30 s visibility timeout), waiting until one that mentions
    /// <paramref name="text"/> is visible. Others taken meanwhile belong to other tests' purchases
    /// and are made visible again at once.</summary>
    public async Task<QueueMessage> DequeueAsync(string queue, string text, TimeSpan timeout)
    {
        var client = Queue(queue);
        QueueMessage? found = null;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var message in (await client.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value)
                if (message.Body.ToString().Contains(text, StringComparison.Ordinal)) found = message;
                else await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            return found is not null;
        }, timeout, $"a {queue} message mentioning {text}");
        return found!;
    }
}
