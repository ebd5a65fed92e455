using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Merchants;
using PledgFunctions.Messages;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary><c>GET /api/purchases/{id}/messages</c>: the emails of a purchase in the order they were
/// scheduled, with their delivery; never a body or a link (they carry page tokens).</summary>
public static class MessagesList
{
    public static async Task<Results<Ok<MessageList>, ProblemHttpResult>> HandleAsync(
        string id, Merchant merchant, PurchaseTable purchases, MessageBook messages, CancellationToken ct)
    {
        if (await PurchasesApi.FindAsync(id, merchant, purchases, ct) is null) return ApiProblem.NotFound("purchase");
        var rows = await messages.ListAsync(id, ct);
        return TypedResults.Ok(new MessageList(rows.OrderBy(m => m.RowKey, StringComparer.Ordinal).Select(MessageView.From).ToList()));
    }
}

public sealed record MessageList(IReadOnlyList<MessageView> Items);

/// <summary>The contract's Message.</summary>
public sealed record MessageView(string Id, string Kind, string To, string Status, DateTimeOffset ScheduledFor, int Attempts, DateTimeOffset? SentAt)
{
    public static MessageView From(MessageEntity m) => new(m.MessageId, m.Kind, m.To, m.Status, m.ScheduledFor, m.Attempts, m.SentAt);
}
