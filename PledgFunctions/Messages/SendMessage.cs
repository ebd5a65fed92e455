using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using PledgFunctions.Email;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;
using PledgFunctions.Telemetry;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Messages;

public sealed record SendInput(string PurchaseId, string RowKey);

/// <summary>One attempt at one message: render it from the purchase (the link carries a page token,
/// so it is never stored or logged), send it over SMTP with its stable <c>Message-ID</c>, record the
/// attempt on the row. A transient failure throws, so the orchestration's retry policy tries again
/// (<c>Pledg:Email:FirstRetryDelay</c>, doubled, capped at an hour); a day after the message was due,
/// or at once when the server refuses it for good, the row ends <c>failed</c> and the activity returns,
/// which ends the retries. A reminder whose share was paid or whose purchase ended meanwhile is
/// cancelled instead of sent. Crash between the send and its record: sent once more, same Message-ID.</summary>
public sealed class SendMessage(PurchaseTable purchases, IMailSender mail, IOptions<PledgOptions> options, TimeProvider time,
    ILogger<SendMessage> logger) : TaskActivity<SendInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, SendInput input) => SendAsync(input, CancellationToken.None);

    public async Task<string> SendAsync(SendInput input, CancellationToken ct)
    {
        var message = await purchases.GetAsync<MessageEntity>(input.PurchaseId, input.RowKey, ct);
        if (message is not { Status: MessageStatuses.Pending }) return message?.Status ?? "missing";
        if (await purchases.GetWithSharesAsync(input.PurchaseId, ct) is not { } found) return "missing";
        var (purchase, shares) = (found.Purchase, found.Shares);
        var member = shares.FirstOrDefault(s => s.Index == message.ShareIndex);
        if (member is null) return "missing";

        if (message.Kind == MessageKinds.Reminder && (PurchaseStates.IsFinal(purchase.State) || member.State == PurchaseStates.Succeeded))
        {
            await RecordAsync(message, m => m.Status = MessageStatuses.Cancelled, ct);
            return MessageStatuses.Cancelled;
        }

        string? error = null;
        var permanent = false;
        try
        {
            await mail.SendAsync(Render(message, purchase, shares, member), ct);
        }
        catch (MailRejectedException e)
        {
            (error, permanent) = (e.Message, true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = $"{e.GetType().Name}: {e.Message}";
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
        if (status == MessageStatuses.Pending) throw new MessageNotSentException($"Message {message.MessageId} attempt {message.Attempts} failed: {error}");
        return status;
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
                if (again is null) return;
                message = again;
                if (message.Status != MessageStatuses.Pending) return;
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
