namespace PledgFunctions.OpenApi;

/// <summary>The description of each operation and parameter a merchant (or page) reads, by operation
/// id and parameter name. A route's own <c>WithDescription</c> comes first; these fill the rest.</summary>
internal static class OperationDocs
{
    public static readonly Dictionary<string, string> Descriptions = new()
    {
        ["GetHealth"] = "200 when Table/Queue storage answers and the lifecycle engine accepts calls; 503 `storage_unavailable` with `Retry-After` otherwise. Not rate-limited.",
        ["CreatePurchase"] = "Creates a purchase for the organizer to pay on its hosted page (`paymentUrl`). `201` with `Location`. " +
                             "Send an `Idempotency-Key` to retry safely: the same key and body replay the first response.",
        ["ListPurchases"] = "The merchant's purchases, newest first, optionally only one organizer's or in one state. Pages of `limit` (default 20): " +
                            "send the previous page's `nextCursor` as `cursor`, with the same filters, to read on; `nextCursor: null` means the last page. " +
                            "A page may hold fewer than `limit` items when a state filter matches rarely; follow `nextCursor` until it is null.",
        ["GetPurchase"] = "The purchase, as it truly is now (a purchase past its deadline reads FAILED).",
        ["GetPurchaseStatus"] = "Just the purchase's state: a cheap poll.",
        ["EditPurchase"] = "Edits a purchase before the organizer pays: any of `amount`, `currency`, `cart`, `reference`, `notificationUrl`, `notifyPledgers`, `locale`. " +
                           "The body is a JSON merge patch (RFC 7396; `application/merge-patch+json`, or `application/json` with the same meaning): a field left out " +
                           "keeps its value, `null` clears `cart`, `reference` or `notificationUrl`. Another content type answers 415 `unsupported_media_type`. " +
                           "The result must pass every rule of create. 409 `purchase_not_modifiable` once pledged or final.",
        ["CancelPurchase"] = "Cancels a purchase that is still INITIALIZED, before or after the organizer paid: it becomes FAILED (`cancelled`) and every " +
                             "payment made is refunded. 409 `purchase_not_modifiable` once SUCCESSFULL or FAILED.",
        ["ListPayments"] = "The purchase's money movements, oldest first: charges and refunds. Pages of `limit` (default 100): send the previous page's " +
                           "`nextCursor` as `cursor`; `nextCursor: null` means the last page. A cursor stays valid as long as the purchase exists.",
        ["ListPurchaseEvents"] = "The notification events of a purchase, oldest first, with where each delivery stands. Pages like the payments list " +
                                 "(`limit` default 100, `cursor` from `nextCursor`, null on the last page).",
        ["ListMessages"] = "The e-mails to the organizer and the pledgers, in the order they were scheduled, with where each delivery stands; never a body or a link.",
        ["GetCheckout"] = "What the organizer's page shows: the cart, the state and, once pledged, each member's share.",
        ["Pledge"] = "The organizer names 0 to 20 pledgers and pays the whole cart with a card. Either no pledger gives an amount (equal split, the " +
                     "remainder to the organizer) or every one does. 402 `card_declined` leaves the purchase as it was.",
        ["GetShare"] = "What a pledger's page shows: the share, the organizer and the purchase.",
        ["PayShare"] = "A pledger pays its share with a card; the last share makes the purchase SUCCESSFULL in the same step. A card is never charged twice for one share.",
    };

    public static readonly Dictionary<string, string> Parameters = new()
    {
        ["id"] = "The purchase's id (`pur_...`). Another merchant's purchase answers 404.",
        ["eventId"] = "The event's id (`evt_...`).",
        ["organizerToken"] = "The secret token of the organizer's page (the last segment of `paymentUrl`).",
        ["shareToken"] = "The secret token of a pledger's page (the last segment of `shareUrl`).",
        ["organizerEmail"] = "Only this organizer's purchases (compared case-insensitively).",
        ["state"] = "Only purchases in this state.",
        ["limit"] = "At most this many items in the page.",
        ["cursor"] = "The `nextCursor` of the previous page, to read the page after it; leave it out for the first page. Send the same filters again.",
    };
}
