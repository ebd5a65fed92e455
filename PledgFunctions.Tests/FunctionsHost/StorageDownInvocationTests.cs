using PledgFunctions.Storage;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>An invocation whose work fails is answered with a failure status (so the host retries
/// the queue message, then poisons it), and still with a body the host can read.</summary>
public sealed class StorageDownInvocationTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private ServiceProcess _handler = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartNewAsync();
        _handler = await ServiceProcess.StartAsync(_azurite, environment: new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = FreePorts.Next().ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        });
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task InvocationsFailWhileStorageIsDown()
    {
        var purchase = await TestPurchases.CreateAsync(_handler.Client());
        var timer = TimerQueue.Serialize(new TimerMessage(purchase.GetProperty("id").GetString()!, purchase.GetProperty("deadline").GetDateTimeOffset()));
        await _azurite.StopAsync();

        var timerAnswer = await HostPayloads.InvokeAsync(_handler.Client(null), "deadline-timers", HostPayloads.QueueTrigger("deadline-timers", timer));
        await timerAnswer.AssertInvocationAnswerAsync(success: false);
        Assert.True((int)timerAnswer.StatusCode >= 500, $"storage down is a server-side failure, got {(int)timerAnswer.StatusCode}");

        var sweepAnswer = await HostPayloads.InvokeAsync(_handler.Client(null), "deadline-sweep", HostPayloads.TimerTrigger());
        var body = await sweepAnswer.AssertInvocationAnswerAsync(success: false);
        Assert.Equal(2, body.GetProperty("Logs").GetArrayLength()); // the sweep and the recovery each tried and said why
    }
}
