using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using PledgFunctions.Email;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Messages;

/// <param name="PurchaseId">The purchase, and its orchestration's instance id.</param>
/// <param name="RowKeys">The messages one look of the orchestration found due, in the order scheduled.</param>
/// <param name="RemindersDueAt">A reminder timer of the orchestration fired for this time: the reminders
/// due by then are sent too (cancelled if their share was paid meanwhile), with no look before.</param>
public sealed record SendInput(string PurchaseId, IReadOnlyList<string> RowKeys, DateTimeOffset? RemindersDueAt = null);

/// <summary>One attempt at the messages one look found due: each rendered from the purchase (links
/// carry page tokens, so they are never stored or logged), sent over SMTP with its stable
/// <c>Message-ID</c>, and its attempt recorded on its row. One activity per look, not per message:
/// each activity costs the engine a work-item message, a result and an episode, and shares the
/// activity slots and queue with the deadlines (docs/benchmarks.md, "Messages").
/// <list type="bullet">
/// <item>Sent, or refused for good (5xx): recorded, done. A day after a message was due it is
/// recorded failed, done.</item>
/// <item>Deferred (4xx): recorded, and the next message is tried (the server is up).</item>
/// <item>The server unreachable or slow: recorded on that message, the rest left for the retry
/// (a server that hangs holds this slot for one timeout, not one per message).</item>
/// <item>Any message still pending at the end throws, so the orchestration's retry policy
/// (<c>Pledg:Email:FirstRetryDelay</c>, doubled, capped at an hour) tries the batch again.</item>
/// </list>
/// A reminder whose share was paid or whose purchase ended meanwhile is cancelled, not sent. A crash
/// between a send and its record sends that message once more, with the same Message-ID.</summary>
public sealed class SendMessages(PurchaseTable purchases, MessageBook book, IMailSender mail, IOptions<PledgOptions> options, TimeProvider time,
    ILogger<SendMessages> logger) : TaskActivity<SendInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, SendInput input) => SendAsync(input, CancellationToken.None);

    public async Task<string> SendAsync(SendInput input, CancellationToken ct)
    {
        if (await purchases.GetWithSharesAsync(input.PurchaseId, ct) is not { } found) return "missing";
        var stillPending = 0;
        var reachable = true;
        foreach (var message in await DueAsync(input, ct))
        {
            if (!reachable)
            {
                stillPending++;
                continue;
            }
            var (status, serverUp) = await SendOneAsync(message, found, ct);
            if (status == MessageStatuses.Pending) stillPending++;
            reachable = serverUp;
        }
        if (stillPending > 0)
            throw new MessageNotSentException($"{stillPending} message(s) of {input.PurchaseId} not sent yet; retried by the orchestration's policy");
        return "done";
    }

    /// <summary>The messages of the input still to send: those listed (each read alone), or with a
    /// reminder time every row of the purchase in one range read, its due reminders added.</summary>
    private async Task<List<MessageEntity>> DueAsync(SendInput input, CancellationToken ct)
    {
        if (input.RemindersDueAt is not { } dueAt)
        {
            var listed = new List<MessageEntity>();
            foreach (var rowKey in input.RowKeys)
                if (await purchases.GetAsync<MessageEntity>(input.PurchaseId, rowKey, ct) is { Status: MessageStatuses.Pending } message) listed.Add(message);
            return listed;
        }
        var keys = input.RowKeys.ToHashSet(StringComparer.Ordinal);
        return [.. (await book.ListAsync(input.PurchaseId, ct)).OrderBy(m => m.RowKey, StringComparer.Ordinal)
            .Where(m => m.Status == MessageStatuses.Pending && keys.Contains(m.RowKey) || MessageChanges.IsDueReminder(m, dueAt))];
    }

    private async Task<(string Status, bool ServerUp)> SendOneAsync(MessageEntity message, PurchaseWithShares found, CancellationToken ct)
    {
        var (purchase, shares) = (found.Purchase, found.Shares);
        var member = shares.FirstOrDefault(s => s.Index == message.ShareIndex);
        if (member is null) return (MessageStatuses.Pending, true);
        if (message.Kind == MessageKinds.Reminder && (PurchaseStates.IsFinal(purchase.State) || member.State == PurchaseStates.Succeeded))
        {
            await RecordAsync(message, m => m.Status = MessageStatuses.Cancelled, ct);
            return (MessageStatuses.Cancelled, true);
        }

        string? error = null;
        var (permanent, serverUp) = (false, true);
        try
        {
            await mail.SendAsync(Render(message, purchase, shares, member), ct);
        }
        catch (MailRejectedException e)
        {
            (error, permanent) = (e.Message, true);
        }
        catch (MailDeferredException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            (error, serverUp) = ($"{e.GetType().Name}: {e.Message}", false);
        }
        PledgMetrics.MessageAttempt(message.Kind, sent: error is null);

        var now = time.GetUtcNow();
        var givenUp = error is not null && (permanent || now - message.ScheduledFor >= RetrySchedule.RetryFor);
        var status = error is null ? MessageStatuses.Sent : givenUp ? MessageStatuses.Failed : MessageStatuses.Pending;
        await RecordAsync(message, m =>
        {
            m.Attempts++;
            m.LastAttemptAt = now;
            m.LastError = error;
            m.Status = status;
            if (error is null) m.SentAt = now;
        }, ct);
        if (givenUp)
            logger.LogWarning("Message {MessageId} ({Kind}) failed after {Attempts} attempts{Why}: {Error}", message.MessageId, message.Kind,
                message.Attempts, permanent ? ", refused for good" : "", error);
        return (status, serverUp);
    }

    /// <summary>The attempt's outcome on the row, re-read after a conflict (a look that planned or
    /// cancelled meanwhile): a row no longer pending keeps what the other writer decided.</summary>
    private async Task RecordAsync(MessageEntity message, Action<MessageEntity> change, CancellationToken ct)
    {
        for (var round = 0; round < 5; round++)
        {
            change(message);
            try
            {
                await purchases.ReplaceAsync(message, ct);
                return;
            }
            catch (Exception e) when (StorageErrors.IsConflict(e))
            {
                var again = await purchases.GetAsync<MessageEntity>(message.PartitionKey, message.RowKey, ct);
                if (again is not { Status: MessageStatuses.Pending or MessageStatuses.Scheduled }) return;
                message = again;
            }
        }
    }

    private OutgoingMail Render(MessageEntity message, PurchaseEntity purchase, IReadOnlyList<ShareEntity> shares, ShareEntity member)
    {
        var link = member.Token is null ? PurchaseView.PaymentUrlOf(purchase) : PurchaseView.ShareUrlOf(purchase, member);
        var facts = new MessageFacts(message.Kind, purchase.Locale, purchase.MerchantName, message.To, purchase.OrganizerEmail,
            message.Amount, purchase.Amount, purchase.Currency, purchase.Deadline, link,
            message.Kind == MessageKinds.Receipt ? shares.Where(s => s.Index > 0).Select(s => new MessageShare(s.Email, s.Amount)).ToList() : [],
            purchase.Reference, purchase.FailureReason);
        var (subject, text, html) = MessageTemplates.Render(facts);
        return new OutgoingMail($"{message.MessageId}@{SenderDomain(options.Value.Email.From)}", message.To, subject, text, html);
    }

    /// <summary>The domain of the From address, the right part of every Message-ID.</summary>
    public static string SenderDomain(string from)
    {
        var address = from.Contains('<') ? from[(from.IndexOf('<') + 1)..].TrimEnd('>', ' ') : from;
        var at = address.LastIndexOf('@');
        return at >= 0 && at < address.Length - 1 ? address[(at + 1)..] : "pledg.local";
    }
}

/// <summary>Makes the retry policy schedule the next attempt.</summary>
public sealed class MessageNotSentException(string message) : Exception(message);
