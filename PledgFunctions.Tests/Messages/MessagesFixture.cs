using System.Text.Json;
using MimeKit;
using PledgFunctions.Tests.Infrastructure;

namespace PledgFunctions.Tests.Messages;

/// <summary>Azurite, a real SMTP server and a service that mails to it: a 20 s payment window with a
/// reminder 8 s before the deadline, failed sends retried after 2 s, 4 s...</summary>
public sealed class MessagesFixture : IAsyncLifetime
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan ReminderOffset = TimeSpan.FromSeconds(8);

    public Azurite Azurite { get; private set; } = null!;
    public SmtpSink Smtp { get; private set; } = null!;
    public TestService Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartNewAsync();
        Smtp = await SmtpSink.StartNewAsync();
        Service = await TestService.StartAsync(Azurite, s =>
        {
            foreach (var (key, value) in Smtp.Settings()) s[key] = value;
            s["Pledg:Email:Enabled"] = "true";
            s["Pledg:PaymentWindow"] = Window.ToString();
            s["Pledg:Email:Reminders:0"] = ReminderOffset.ToString();
        });
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Smtp.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

public static class Mail
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public static async Task<JsonElement[]> ListAsync(HttpClient merchant, string purchaseId) =>
        (await (await merchant.GetAsync($"/api/purchases/{purchaseId}/messages")).AssertOkAsync()).GetProperty("items").EnumerateArray().ToArray();

    /// <summary>The purchase's messages once <paramref name="until"/> holds.</summary>
    public static Task<JsonElement[]> WaitForAsync(HttpClient merchant, string purchaseId, Func<JsonElement[], bool> until, string what, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => ListAsync(merchant, purchaseId), until, timeout ?? Patience, what);

    public static string Kind(this JsonElement message) => message.GetProperty("kind").GetString()!;
    public static string To(this JsonElement message) => message.GetProperty("to").GetString()!;
    public static string Status(this JsonElement message) => message.GetProperty("status").GetString()!;

    public static MimeMessage[] To(this SmtpSink smtp, string address) =>
        smtp.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address.Equals(address, StringComparison.OrdinalIgnoreCase))).ToArray();

    public static string Email(JsonElement pledge, int share) => pledge.GetProperty("shares")[share].GetProperty("email").GetString()!;
}
