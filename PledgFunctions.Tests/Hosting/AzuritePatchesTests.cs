using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Hosting;

/// <summary>tools/azurite-indexed-storage.cjs makes Azurite's costs independent of what it holds
/// without changing an answer: which filters it narrows to one partition, LokiJS's batches taken
/// one document at a time, and queue messages found through indices of the fields queried.</summary>
public sealed class AzuritePatchesTests
{
    [Fact]
    public async Task OnlyAFilterWhoseTopLevelIsAConjunctionWithThePartitionIsNarrowed()
    {
        string?[] Expect(params string?[] values) => values;
        var cases = new (string Filter, string? Partition)[]
        {
            ("PartitionKey eq 'p1' and (RowKey eq '' or ExecutionId eq 'e')", "p1"), // the engine's history read
            ("PartitionKey eq 'p1' and RowKey ge 'a' and RowKey lt 'b'", "p1"),
            ("(RowKey eq 'a' or RowKey eq 'b') and PartitionKey eq 'p1'", "p1"),
            ("RowKey eq 'x' and PartitionKey eq 'it''s'", "it's"),
            ("PartitionKey eq 'p1' and Name eq 'or not'", "p1"),
            ("Order eq 'x' and PartitionKey eq 'p1'", "p1"),
            ("PartitionKey eq 'p1' or RowKey eq 'b'", null),
            ("not (RowKey eq 'b') and PartitionKey eq 'p1'", null),
            ("(PartitionKey eq 'p1')", null),
            ("(PartitionKey eq 'p1' or true) and RowKey eq 'a'", null),
            ("PartitionKey eq 'p1') or (RowKey eq 'b'", null),
            ("PartitionKey eq 'p1", null),
            ("RowKey eq 'a'", null),
        };
        var script = $$"""
            process.argv[1] = require('path').resolve('node_modules/azurite/dist/src/azurite.js');
            const { partitionOf } = require('./tools/azurite-indexed-storage.cjs');
            console.log(JSON.stringify({{JsonSerializer.Serialize(cases.Select(c => c.Filter))}}.map(f => partitionOf(f) ?? null)));
            """;

        var answers = JsonSerializer.Deserialize<string?[]>(await NodeAsync(script))!;

        Assert.Equal(Expect(cases.Select(c => c.Partition).ToArray()), answers);
    }

    [Fact]
    public async Task SmallBatchesKeepTheIndicesTrue()
    {
        var script = """
            process.argv[1] = require('path').resolve('node_modules/azurite/dist/src/azurite.js');
            require('./tools/azurite-indexed-storage.cjs');
            const loki = require('lokijs');
            const messages = new loki('t').addCollection('m', { indices: ['queueName', 'due'] });
            for (let i = 0; i < 100; i++) messages.insert({ queueName: 'q' + (i % 3), due: i });
            const moved = messages.find({ due: { $in: [1, 4, 7, 10, 13] } });
            for (const doc of moved) doc.due = 1000 + doc.due;
            messages.update(moved);
            const many = messages.find({ queueName: 'q2' });
            for (const doc of many) doc.due = -doc.due - 1;
            messages.update(many);
            messages.remove([]);
            messages.remove([messages.findOne({ due: 0 })]);
            console.log(JSON.stringify({
              late: messages.chain().find({ due: { $gte: 1000 } }).data().map(d => d.due).sort((a, b) => a - b),
              negative: messages.chain().find({ due: { $lt: 0 } }).data().length,
              count: messages.count(),
              q1: messages.chain().find({ queueName: 'q1' }).data().length,
            }));
            """;

        var answer = JsonDocument.Parse(await NodeAsync(script)).RootElement;

        Assert.Equal([1001, 1004, 1007, 1010, 1013], answer.GetProperty("late").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(33, answer.GetProperty("negative").GetInt32());
        Assert.Equal(99, answer.GetProperty("count").GetInt32());
        Assert.Equal(33, answer.GetProperty("q1").GetInt32());
    }

    [Fact]
    public async Task TheQueueStoresIndicesStayTrueThroughReadsAndDeletes()
    {
        // Azurite's own message store, patched, under a random mix of sends, reads and deletes;
        // after each step every index must list each message exactly once.
        var script = """
            process.argv[1] = require('path').resolve('node_modules/azurite/dist/src/azurite.js');
            require('./tools/azurite-indexed-storage.cjs');
            const Store = require('./node_modules/azurite/dist/src/queue/persistence/LokiQueueMetadataStore.js').default;
            (async () => {
              const store = new Store('unused.json', true);
              await store.init();
              for (const q of ['q0', 'q1', 'q2']) await store.createQueue({ accountName: 'a', name: q, metadata: {} });
              let sent = 0, read = 0, deleted = 0, seed = 7;
              const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
              const handedOut = [];
              const broken = () => {
                const messages = store.db.getCollection(store.MESSAGES_COLLECTION);
                return Object.entries(messages.binaryIndices).filter(([, index]) => !index.dirty && (index.values.length !== messages.data.length
                  || new Set(index.values).size !== index.values.length)).map(([key]) => key);
              };
              for (let step = 0; step < 4000; step++) {
                const queue = 'q' + (step % 3), r = random(), now = Date.now();
                if (r < 0.4) {
                  await store.insertMessage({ accountName: 'a', queueName: queue, messageId: 'm' + (++sent), insertionTime: new Date(now),
                    expirationTime: new Date(now + (random() < 0.05 ? 1 : 864e5)), timeNextVisible: new Date(now + (random() < 0.5 ? 0 : 1e7)),
                    popReceipt: 'p', dequeueCount: 0, persistency: { id: 'x', offset: 0, count: 1 } });
                } else if (r < 0.8) {
                  for (const m of await store.getMessages('a', queue, new Date(now + 30000), 'r' + step, 32, new Date(now)))
                    handedOut.push([queue, m.messageId, 'r' + step]), read++;
                } else if (handedOut.length) {
                  const [q, id, receipt] = handedOut.splice(Math.floor(random() * handedOut.length), 1)[0];
                  try {
                    await store.deleteMessage('a', q, id, receipt);
                    deleted++;
                  } catch (e) {
                    if (e.statusCode !== 404) throw e; // expired meanwhile
                  }
                }
                const keys = broken();
                if (keys.length) { console.log(JSON.stringify({ step, broken: keys })); return; }
              }
              console.log(JSON.stringify({ step: 4000, broken: [], sent, read, deleted }));
            })().catch(e => { console.error(e); process.exit(1); });
            """;

        var answer = JsonDocument.Parse(await NodeAsync(script)).RootElement;

        Assert.Equal(0, answer.GetProperty("broken").GetArrayLength());
        Assert.Equal(4000, answer.GetProperty("step").GetInt32());
        Assert.True(answer.GetProperty("deleted").GetInt32() > 100);
    }

    [Fact]
    public async Task QueueMessagesAreHandedOutInOrderExpiredOnesNeverAndADeleteFindsItsMessage()
    {
        await using var azurite = await Azurite.StartNewAsync();
        var queue = new QueueClient(azurite.ConnectionString, "expiring");
        var other = new QueueClient(azurite.ConnectionString, "other");
        await queue.CreateAsync();
        await other.CreateAsync();
        await queue.SendMessageAsync("short", timeToLive: TimeSpan.FromSeconds(1));
        foreach (var text in new[] { "a", "b", "c" }) await queue.SendMessageAsync(text);
        await queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromMinutes(5));
        await other.SendMessageAsync("elsewhere");
        await Task.Delay(TimeSpan.FromSeconds(2)); // "short" expires

        var peeked = (await queue.PeekMessagesAsync(32)).Value.Select(m => m.MessageText);
        var first = (await queue.ReceiveMessagesAsync(2)).Value;
        var deleted = await queue.DeleteMessageAsync(first[0].MessageId, first[0].PopReceipt);
        var again = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => queue.DeleteMessageAsync(first[0].MessageId, first[0].PopReceipt));
        var rest = (await queue.ReceiveMessagesAsync(32)).Value.Select(m => m.MessageText);

        Assert.Equal(["a", "b", "c"], peeked);
        Assert.Equal(["a", "b"], first.Select(m => m.MessageText));
        Assert.Equal(204, deleted.Status);
        Assert.Equal(404, again.Status);
        Assert.Equal(["c"], rest);
        Assert.Equal(["elsewhere"], (await other.ReceiveMessagesAsync(32)).Value.Select(m => m.MessageText));
    }

    /// <summary>Every patch fits the Azurite that package-lock.json installs: this fails when an
    /// Azurite upgrade moved the code a patch replaces (the preload then stops Azurite at start).</summary>
    [Fact]
    public async Task EveryPatchFitsTheInstalledAzurite()
    {
        var script = $$"""
            process.argv[1] = {{JsonSerializer.Serialize(RepositoryPaths.AzuriteScript)}};
            console.log(JSON.stringify(require('./tools/azurite-indexed-storage.cjs').applied));
            """;
        Assert.Equal(["partitions", "batches", "messages"], JsonSerializer.Deserialize<string[]>(await NodeAsync(script))!);
    }

    /// <summary>A patch whose code is not where it expects it stops Azurite at start with its name,
    /// instead of letting it run unpatched unnoticed.</summary>
    [Fact]
    public async Task APatchThatNoLongerFitsStopsAzuriteWithItsName()
    {
        var moved = Directory.CreateTempSubdirectory("pledg-moved-azurite-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(moved, "dist", "src", "table", "persistence"));
            await File.WriteAllTextAsync(Path.Combine(moved, "dist", "src", "table", "persistence", "LokiTableMetadataStore.js"), "exports.default = class {};");
            await File.WriteAllTextAsync(Path.Combine(moved, "package.json"), """{"version":"9.9.9"}""");
            var script = $$"""
                process.argv[1] = {{JsonSerializer.Serialize(Path.Combine(moved, "dist", "src", "azurite.js"))}};
                require('./tools/azurite-indexed-storage.cjs');
                """;
            var (exitCode, errors) = await NodeRawAsync(script);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("patch 'partitions' does not fit Azurite 9.9.9", errors);
        }
        finally
        {
            Directory.Delete(moved, recursive: true);
        }
    }

    private static async Task<string> NodeAsync(string script)
    {
        var start = Node(script);
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, await errors);
        return (await output).Trim();
    }

    private static async Task<(int ExitCode, string Errors)> NodeRawAsync(string script)
    {
        using var node = Process.Start(Node(script))!;
        var errors = node.StandardError.ReadToEndAsync();
        await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        return (node.ExitCode, await errors);
    }

    /// <summary>Every patch, whatever PLEDG_AZURITE_PATCHES says where the tests run.</summary>
    private static ProcessStartInfo Node(string script)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("PLEDG_AZURITE_PATCHES");
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(script);
        return start;
    }
}
