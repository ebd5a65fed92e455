using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using PledgFunctions.Tests.Infrastructure;
using static PledgFunctions.Tests.Infrastructure.TestCheckout;

namespace PledgFunctions.Tests.Messages;

/// <summary>The contract's messages through a real SMTP server: what each member receives, when, and
/// what the merchant sees of it.</summary>
public sealed class MessagesTests(MessagesFixture fixture) : IClassFixture<MessagesFixture>
{
    private readonly HttpClient _merchant = fixture.Service.Client();
    private readonly SmtpSink _smtp = fixture.Smtp;

    [Fact]
    public async Task ThePledgeEmailsEachPledgerTheirLinkAndTheOrganizerTheReceipt()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(fixture.Service, pledgers: 2, amount: 12000);
        var id = purchase.GetProperty("id").GetString()!;
        var organizer = purchase.GetProperty("organizerEmail").GetString()!;

        var listed = await Mail.WaitForAsync(_merchant, id, m => m.Count(x => x.Status() == "sent") == 3, "share requests and receipt sent");
        Assert.Equal(["share_request", "share_request", "receipt", "reminder", "reminder"], listed.Select(m => m.Kind()));
        Assert.Equal([Mail.Email(pledge, 1), Mail.Email(pledge, 2), organizer], listed.Take(3).Select(m => m.To()));
        Assert.All(listed.Skip(3), m => Assert.Equal("scheduled", m.Status()));
        Assert.All(listed.Take(3), m => Assert.Equal(1, m.GetProperty("attempts").GetInt32()));
        Assert.DoesNotContain("/pay/", JsonSerializer.Serialize(listed)); // never a link

        for (var share = 1; share <= 2; share++)
        {
            var mail = Assert.Single(_smtp.To(Mail.Email(pledge, share)));
            var listedId = listed[share - 1].GetProperty("id").GetString()!;
            Assert.Equal($"{listedId}@pledg.local", mail.MessageId);
            Assert.Equal("no-reply@pledg.local", mail.From.Mailboxes.Single().Address);
            Assert.Contains("Test Shop A", mail.Subject, StringComparison.Ordinal);
            Assert.NotNull(mail.TextBody);
            Assert.NotNull(mail.HtmlBody);
            Assert.True(mail.Body is Multipart { ContentType.MediaSubtype: "alternative" }, "multipart/alternative");
            var shareUrl = pledge.GetProperty("shares")[share].GetProperty("shareUrl").GetString()!;
            Assert.Contains(shareUrl, mail.TextBody, StringComparison.Ordinal);
            Assert.Contains(shareUrl, mail.HtmlBody, StringComparison.Ordinal);
            Assert.Contains("40.00", mail.TextBody, StringComparison.Ordinal);
            // The link works: it is the pledger's page.
            Assert.Equal(HttpStatusCode.OK, (await fixture.Service.Client(null).GetAsync(new Uri(shareUrl).PathAndQuery)).StatusCode);
        }
        var receipt = Assert.Single(_smtp.To(organizer));
        Assert.Contains(purchase.GetProperty("paymentUrl").GetString()!, receipt.TextBody, StringComparison.Ordinal);
        Assert.Contains(Mail.Email(pledge, 1), receipt.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemindersReachOnlyUnpaidPledgersAndTheOutcomeEveryoneWhoPaid()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(fixture.Service, pledgers: 2, amount: 9000);
        var id = purchase.GetProperty("id").GetString()!;
        var organizer = purchase.GetProperty("organizerEmail").GetString()!;
        await (await PayAsync(fixture.Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        // Due 8 s before the 20 s deadline: a durable timer of the purchase's orchestration.
        var reminded = await Mail.WaitForAsync(_merchant, id, m => m.Any(x => x.Kind() == "reminder" && x.Status() == "sent"), "the reminder sent");
        var reminders = reminded.Where(m => m.Kind() == "reminder").ToList();
        Assert.Equal([("cancelled", Mail.Email(pledge, 1)), ("sent", Mail.Email(pledge, 2))], reminders.Select(m => (m.Status(), m.To())));
        var deadline = purchase.GetProperty("deadline").GetDateTimeOffset();
        var sentAt = reminders[1].GetProperty("sentAt").GetDateTimeOffset();
        Assert.InRange(sentAt, deadline - MessagesFixture.ReminderOffset - TimeSpan.FromSeconds(2), deadline);
        Assert.Single(_smtp.To(Mail.Email(pledge, 2)), m => m.MessageId!.StartsWith(reminders[1].GetProperty("id").GetString()!, StringComparison.Ordinal));
        Assert.Single(_smtp.To(Mail.Email(pledge, 1))); // the share request only

        // The deadline: the organizer and the pledger who paid are told what comes back.
        var ended = await Mail.WaitForAsync(_merchant, id, m => m.Count(x => x.Kind() == "failed" && x.Status() == "sent") == 2, "the failed messages sent",
            TimeSpan.FromSeconds(60));
        Assert.Equal([organizer, Mail.Email(pledge, 1)], ended.Where(m => m.Kind() == "failed").Select(m => m.To()));
        var failed = Assert.Single(_smtp.To(organizer), m => m.MessageId!.StartsWith(ended.Single(x => x.Kind() == "failed" && x.To() == organizer)
            .GetProperty("id").GetString()!, StringComparison.Ordinal));
        Assert.Contains("60.00", failed.TextBody, StringComparison.Ordinal); // 90.00 advanced, 30.00 reimbursed
    }

    [Fact]
    public async Task NotifyPledgersFalseSendsNothingToAnyone()
    {
        var body = new { organizerEmail = $"alice+{Guid.NewGuid():N}@example.com", amount = 4000, currency = "EUR", notifyPledgers = false };
        var purchase = await TestPurchases.CreateAsync(_merchant, body);
        Assert.False(purchase.GetProperty("notifyPledgers").GetBoolean());
        var id = purchase.GetProperty("id").GetString()!;
        var pledge = await (await PledgeAsync(fixture.Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(1))).AssertOkAsync();
        await (await PayAsync(fixture.Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();

        await Eventually.TrueAsync(async () => (await (await _merchant.GetAsync($"/api/purchases/{id}")).ReadJsonAsync()).GetProperty("state").GetString() == "SUCCESSFULL",
            Mail.Patience, "SUCCESSFULL");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(await Mail.ListAsync(_merchant, id));
        Assert.Empty(_smtp.To(Mail.Email(pledge, 1)));
        Assert.Empty(_smtp.To(purchase.GetProperty("organizerEmail").GetString()!));
    }

    [Fact]
    public async Task AServerThatIsDownLosesNoMessageAndHoldsUpNothing()
    {
        await _smtp.StopAsync();
        string id;
        JsonElement pledge;
        try
        {
            (var purchase, pledge) = await PledgedPurchaseAsync(fixture.Service, pledgers: 1);
            id = purchase.GetProperty("id").GetString()!;
            // The money does not wait for the mail: the pledger pays, the purchase succeeds.
            await (await PayAsync(fixture.Service.Client(null), ShareToken(pledge, 1))).AssertOkAsync();
            await Mail.WaitForAsync(_merchant, id, m => m.Any(x => x.Kind() == "share_request" && x.GetProperty("attempts").GetInt32() >= 2),
                "two failed attempts of the share request");
            Assert.Equal("SUCCESSFULL", (await (await _merchant.GetAsync($"/api/purchases/{id}")).ReadJsonAsync()).GetProperty("state").GetString());
            Assert.All(await Mail.ListAsync(_merchant, id), m => Assert.NotEqual("sent", m.Status()));
        }
        finally
        {
            await _smtp.StartAsync();
        }

        var listed = await Mail.WaitForAsync(_merchant, id, m => m.Where(x => x.Kind() != "reminder").All(x => x.Status() == "sent")
            && m.Count(x => x.Kind() == "succeeded") == 2, "every message sent once the server is back");
        Assert.All(listed.Where(m => m.Kind() == "reminder"), m => Assert.Equal("cancelled", m.Status()));
        Assert.Equal(2, _smtp.To(Mail.Email(pledge, 1)).Length); // the share request and succeeded, each once
    }

    [Fact]
    public async Task AnAddressRefusedForGoodEndsFailedWithoutRetrying()
    {
        var refused = $"refused+{Guid.NewGuid():N}@example.com";
        _smtp.RejectPermanently(refused);
        var purchase = await TestPurchases.CreateAsync(_merchant);
        var id = purchase.GetProperty("id").GetString()!;
        await (await PledgeAsync(fixture.Service.Client(null), TestPurchases.OrganizerToken(purchase), [new { email = refused }])).AssertOkAsync();

        var listed = await Mail.WaitForAsync(_merchant, id, m => m.Any(x => x.Kind() == "share_request" && x.Status() == "failed"), "the share request failed");
        await Task.Delay(TimeSpan.FromSeconds(5)); // past two retry delays
        var request = (await Mail.ListAsync(_merchant, id)).Single(x => x.Kind() == "share_request");
        Assert.Equal(("failed", 1), (request.Status(), request.GetProperty("attempts").GetInt32()));
        Assert.Contains(listed, x => x.Kind() == "receipt");
    }

    [Fact]
    public async Task FrenchMessagesReadAsFrenchPeopleReadAmounts()
    {
        var body = new { organizerEmail = $"alice+{Guid.NewGuid():N}@example.com", amount = 123456, currency = "EUR", locale = "fr" };
        var purchase = await TestPurchases.CreateAsync(_merchant, body);
        Assert.Equal("fr", purchase.GetProperty("locale").GetString());
        var pledge = await (await PledgeAsync(fixture.Service.Client(null), TestPurchases.OrganizerToken(purchase), Pledgers(1))).AssertOkAsync();
        var mail = await Eventually.ReturnsAsync(() => Task.FromResult(_smtp.To(Mail.Email(pledge, 1))), m => m.Length == 1, Mail.Patience, "the share request");
        // 1 234,56 € split in two: 617,28 € (a narrow no-break space may group the thousands).
        Assert.Matches(new Regex("617,28\\s?€"), mail[0].TextBody);
        Assert.Contains("Test Shop A", mail[0].Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOrganizersPageSaysWhoWasEmailed()
    {
        var (purchase, pledge) = await PledgedPurchaseAsync(fixture.Service, pledgers: 1);
        var id = purchase.GetProperty("id").GetString()!;
        await Mail.WaitForAsync(_merchant, id, m => m.Any(x => x.Kind() == "share_request" && x.Status() == "sent"), "the share request sent");
        var checkout = await (await fixture.Service.Client(null).GetAsync($"/api/checkout/{TestPurchases.OrganizerToken(purchase)}")).AssertOkAsync();
        var share = checkout.GetProperty("shares")[1];
        Assert.Equal(JsonValueKind.String, share.GetProperty("emailedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, share.GetProperty("lastRemindedAt").ValueKind);
    }
}
