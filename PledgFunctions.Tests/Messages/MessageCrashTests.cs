using System.Text.Json;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Messages;

/// <summary>A reminder is a durable timer of the purchase's orchestration: one that fell due while
/// the service was down (killed with SIGKILL) goes out right after it is back, once.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MessageCrashTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private SmtpSink _smtp = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartNewAsync();
        _smtp = await SmtpSink.StartNewAsync();
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task AReminderDueWhileTheServiceWasDownGoesOutOnceItIsBack()
    {
        var settings = _smtp.Settings();
        settings["Pledg:Email:Enabled"] = "true";
        settings["Pledg:PaymentWindow"] = "00:00:40";
        settings["Pledg:Email:Reminders:0"] = "00:00:30"; // due 10 s after the pledge
        string id;
        JsonElement pledge;
        await using (var first = await ServiceProcess.StartAsync(_azurite, settings))
        {
            var purchase = await TestPurchases.CreateAsync(first.Client());
            id = purchase.GetProperty("id").GetString()!;
            pledge = await (await PledgeAsync(first.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(1))).AssertOkAsync();
            await Mail.WaitForAsync(first.Client(), id, m => m.Any(x => x.Kind() == "share_request" && x.Status() == "sent"), "the share request sent");
            await first.KillAsync();
        }
        var due = pledge.GetProperty("deadline").GetDateTimeOffset() - TimeSpan.FromSeconds(30);
        await Eventually.TrueAsync(() => Task.FromResult(TimeProvider.System.GetUtcNow() > due + TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(30),
            "the reminder due while down");
        Assert.Single(_smtp.To(Mail.Email(pledge, 1))); // the share request; no reminder while down

        await using var second = await ServiceProcess.StartAsync(_azurite, settings);
        var listed = await Mail.WaitForAsync(second.Client(), id, m => m.Any(x => x.Kind() == "reminder" && x.Status() == "sent"), "the reminder sent after the restart");
        var reminder = listed.Single(x => x.Kind() == "reminder");
        Assert.True(reminder.GetProperty("sentAt").GetDateTimeOffset() > due, "sent after its due time, once back");
        var copies = _smtp.To(Mail.Email(pledge, 1)).Count(m => m.MessageId == $"{reminder.GetProperty("id").GetString()}@pledg.local");
        Assert.Equal(1, copies);
    }
}
