using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PledgFunctions.FunctionsHost;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>Reading the host's invocation body and writing the answer it parses.</summary>
public sealed class InvocationTests
{
    private const string Message = """{"purchaseId":"pur_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f","deadline":"2026-11-24T18:00:00Z"}""";

    private static async Task<Invocation?> ReadAsync(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return await Invocation.ReadAsync(context.Request, CancellationToken.None);
    }

    /// <summary>docs/azure-functions.md's queue-trigger example, verbatim apart from the field name.</summary>
    [Fact]
    public async Task TheDocumentedWirePayloadYieldsTheExactMessageText()
    {
        const string wire = """
            {
              "Data": {
                "message": "\"{\\\"purchaseId\\\":\\\"pur_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f\\\",\\\"deadline\\\":\\\"2026-11-24T18:00:00Z\\\"}\""
              },
              "Metadata": {
                "DequeueCount": 1,
                "ExpirationTime": "9999-12-31T23:59:59+00:00",
                "Id": "5c1a6f3e-8a4b-4a51-9d0e-2f3c4b5a6d7e",
                "InsertionTime": "2026-11-22T18:00:00+00:00",
                "NextVisibleTime": "2026-11-24T18:00:30+00:00",
                "PopReceipt": "AgAAAAMAAAAAAAAAlQ4Jx7Jc3QE=",
                "sys": { "MethodName": "deadline-timers", "UtcNow": "2026-11-24T18:00:00.1234567Z", "RandGuid": "3f0c2a8e-1b7d-4f6a-9c5e-7d8b9a0c1e2f" }
              }
            }
            """;
        var invocation = await ReadAsync(wire);
        Assert.Equal(Message, invocation!.QueueMessage());
        Assert.Equal("message 5c1a6f3e-8a4b-4a51-9d0e-2f3c4b5a6d7e (dequeue 1)", invocation.DescribeQueueMessage());
    }

    [Fact]
    public async Task AMessageEncodedOnceOrAsAnObjectYieldsTheSameText()
    {
        Assert.Equal(Message, (await ReadAsync(JsonSerializer.Serialize(new { Data = new { message = Message } })))!.QueueMessage());
        Assert.Equal(Message, (await ReadAsync("""{"Data":{"message":""" + Message + "}}"))!.QueueMessage());
        Assert.Equal("plain text", (await ReadAsync("""{"Data":{"message":"plain text"}}"""))!.QueueMessage());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Metadata":{}}""")]
    [InlineData("""{"Data":"x"}""")]
    public async Task ABodyWithoutADataObjectIsNoInvocation(string body) => Assert.Null(await ReadAsync(body));

    [Fact]
    public async Task AMissingOrNonTextBindingIsNoMessage()
    {
        Assert.Null((await ReadAsync("""{"Data":{}}"""))!.QueueMessage());
        Assert.Null((await ReadAsync("""{"Data":{"message":42}}"""))!.QueueMessage());
    }

    [Fact]
    public async Task TheAnswerIsAJsonObjectWithOutputsLogsAndReturnValue()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await InvocationResult.Answer(503, "a", "b").ExecuteAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("""{"Outputs":{},"Logs":["a","b"],"ReturnValue":null}""", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }
}
