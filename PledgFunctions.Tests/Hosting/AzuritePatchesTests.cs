using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Hosting;

/// <summary>tools/azurite-indexed-storage.cjs makes Azurite's costs independent of what it holds
/// without changing an answer: which filters it narrows to one partition, LokiJS's batches taken
/// one document at a time, and expired queue messages found through an index.</summary>
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
    public async Task AnExpiredMessageIsNeverHandedOutAndTheOthersAre()
    {
        await using var azurite = await Azurite.StartNewAsync();
        var queue = new QueueClient(azurite.ConnectionString, "expiring");
        await queue.CreateAsync();
        await queue.SendMessageAsync("short", timeToLive: TimeSpan.FromSeconds(1));
        await queue.SendMessageAsync("long");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var peeked = (await queue.PeekMessagesAsync(32)).Value.Select(m => m.MessageText);
        var received = (await queue.ReceiveMessagesAsync(32)).Value.Select(m => m.MessageText);

        Assert.Equal(["long"], peeked);
        Assert.Equal(["long"], received);
    }

    private static async Task<string> NodeAsync(string script)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(script);
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, await errors);
        return (await output).Trim();
    }
}
