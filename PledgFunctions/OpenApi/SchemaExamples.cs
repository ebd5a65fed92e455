using System.Text.Json.Nodes;

namespace PledgFunctions.OpenApi;

/// <summary>An example of every component, valid against it (Spectral checks each one): a purchase of
/// 120.00 EUR split between Alice (the organizer) and two pledgers. Requests and responses whose body
/// is a component show its example unless <see cref="Examples"/> gives one of their own.</summary>
internal static class SchemaExamples
{
    public const string PurchaseId = "pur_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f";
    private const string EventId = "evt_9f2c1d0e6b7a4c7e8d1f0a2b3c4d5e6f0a1b2c3d4e5f6a7b";
    private const string Card = """{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}""";
    private const string Cart = """[{"name":"Tent","quantity":1,"unitAmount":9000},{"name":"Stove","quantity":2,"unitAmount":1500}]""";

    public const string Purchase = $$"""
        {"id":"{{PurchaseId}}","state":"INITIALIZED",
         "paymentUrl":"https://your-function-app.azurewebsites.net/pay/n2PB0Ot6THs3kq9xVwYbZ1aLmQ7rT5uE","organizerEmail":"alice@example.com",
         "pledgerEmails":["bob@example.com","carol@example.com"],"amount":12000,"currency":"EUR","cart":{{Cart}},
         "reference":"order-123","createdAt":"2026-11-22T18:00:00Z","deadline":"2026-11-24T18:05:00Z","completedAt":null,"failureReason":null,
         "collectedAmount":12000,"refundStatus":null,"notificationUrl":"https://merchant.example/pledg-events","notifyPledgers":true,"locale":"en"}
        """;

    private const string Payment = """
        {"id":"pay_4f1c2a9d8e7b6c5a4f3e2d1c0b9a8f7e","type":"charge","email":"bob@example.com","amount":4000,"currency":"EUR",
         "reason":"share","cardLast4":"4242","createdAt":"2026-11-22T18:05:00Z","status":"succeeded","failureReason":null}
        """;

    private const string Event = $$"""
        {"id":"{{EventId}}","type":"purchase.succeeded","createdAt":"2026-11-23T09:12:00Z","status":"delivered","attempts":1,
         "lastAttemptAt":"2026-11-23T09:12:01Z","lastError":null,"deliveredAt":"2026-11-23T09:12:01Z","nextAttemptAt":null}
        """;

    private const string Message = """
        {"id":"msg_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d","kind":"reminder","to":"bob@example.com","status":"sent",
         "scheduledFor":"2026-11-23T18:05:00Z","attempts":1,"sentAt":"2026-11-23T18:05:01Z"}
        """;

    private const string CheckoutShare = """{"email":"bob@example.com","amount":4000,"state":"INITIALIZED","shareUrl":"https://your-function-app.azurewebsites.net/pay/share/Qm9iJ3Mgc2hhcmUgdG9rZW4gZXhhbXBsZQ"}""";

    private static readonly Dictionary<string, string> ByComponent = new()
    {
        ["Purchase"] = Purchase,
        ["PurchaseList"] = $$"""{"items":[{{Purchase}}],"nextCursor":"cHVyXzlmMmMxZDBlNmI3YTRjN2U4ZDFmMGEyYjNjNGQ1ZTZm"}""",
        ["PurchaseStatus"] = """{"state":"INITIALIZED"}""",
        ["CreatePurchaseRequest"] = $$"""
            {"organizerEmail":"alice@example.com","amount":12000,"currency":"EUR","cart":{{Cart}},
             "reference":"order-123","notificationUrl":"https://merchant.example/pledg-events","notifyPledgers":true,"locale":"en"}
            """,
        ["PatchPurchaseRequest"] = """{"reference":"order-123-b"}""",
        ["CancelPurchaseRequest"] = """{"reason":"The customer changed their mind."}""",
        ["RefundPurchaseRequest"] = """{"reason":"Returned goods."}""",
        ["CartItem"] = """{"name":"Tent","quantity":1,"unitAmount":9000}""",
        ["Payment"] = Payment,
        ["PaymentList"] = $$"""{"items":[{{Payment}}],"nextCursor":null}""",
        ["Event"] = Event,
        ["EventList"] = $$"""{"items":[{{Event}}],"nextCursor":null}""",
        ["Message"] = Message,
        ["MessageList"] = $$"""{"items":[{{Message}}]}""",
        ["Health"] = """{"status":"healthy"}""",
        ["Problem"] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is not valid.","status":400,
             "detail":"amount: Must be an integer from 1 to 100000000.","code":"validation_error",
             "errors":{"amount":["Must be an integer from 1 to 100000000."]},"traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}
            """,
        ["Checkout"] = $$"""
            {"merchantName":"Outdoor Shop","amount":12000,"currency":"EUR","cart":{{Cart}},"organizerEmail":"alice@example.com",
             "state":"INITIALIZED","deadline":"2026-11-24T18:05:00Z","failureReason":null,"completedAt":null,"pledged":true,
             "shares":[{"email":"alice@example.com","amount":4000,"state":"SUCCESSFULL","shareUrl":null},{{CheckoutShare}}],
             "paidAmount":12000,"reimbursedAmount":0,"refundedAmount":0,"notifyPledgers":true}
            """,
        ["CheckoutShare"] = CheckoutShare,
        ["Share"] = """
            {"email":"bob@example.com","amount":4000,"currency":"EUR","state":"INITIALIZED","organizerEmail":"alice@example.com",
             "merchantName":"Outdoor Shop","deadline":"2026-11-24T18:05:00Z","purchaseState":"INITIALIZED","failureReason":null,
             "paidAt":null,"cardLast4":null,"refundedAmount":0}
            """,
        ["PledgeRequest"] = $$"""{"pledgers":[{"email":"bob@example.com"},{"email":"carol@example.com"}],"card":{{Card}}}""",
        ["PledgerInput"] = """{"email":"carol@example.com","amount":3000}""",
        ["PledgeResult"] = $$"""
            {"state":"INITIALIZED","deadline":"2026-11-24T18:05:00Z","shares":[
              {"email":"alice@example.com","amount":4000,"state":"SUCCESSFULL","shareUrl":null},{{CheckoutShare}}]}
            """,
        ["PayRequest"] = $$"""{"card":{{Card}}}""",
        ["PayResult"] = """{"state":"SUCCESSFULL","purchaseState":"INITIALIZED"}""",
        ["CardInput"] = Card,
        ["PaidShare"] = """{"email":"bob@example.com","amount":4000}""",
        ["PurchaseEvent"] = EventOf("purchase.succeeded"),
    };

    /// <summary>A fresh copy of the example of <paramref name="component"/>, or null when it has none.</summary>
    public static JsonNode? Node(string component) => ByComponent.TryGetValue(component, out var json) ? JsonNode.Parse(json) : null;

    public static JsonNode EventExample(string type) => JsonNode.Parse(EventOf(type))!;

    private static string EventOf(string type)
    {
        var (state, collected, refund, completed, failure) = type switch
        {
            "purchase.succeeded" => ("SUCCESSFULL", 12000, "null", "\"2026-11-23T09:12:00Z\"", "null"),
            "purchase.failed" => ("FAILED", 0, "null", "\"2026-11-24T18:05:00Z\"", "\"deadline_expired\""),
            "purchase.refunded" => ("SUCCESSFULL", 0, "\"succeeded\"", "\"2026-11-23T09:12:00Z\"", "null"),
            _ => ("INITIALIZED", 12000, "null", "null", "null"),
        };
        var purchase = JsonNode.Parse(Purchase)!.AsObject();
        purchase["state"] = state;
        purchase["collectedAmount"] = collected;
        purchase["refundStatus"] = JsonNode.Parse(refund);
        purchase["completedAt"] = JsonNode.Parse(completed);
        purchase["failureReason"] = JsonNode.Parse(failure);
        var evt = new JsonObject
        {
            ["id"] = EventId,
            ["type"] = type,
            ["createdAt"] = "2026-11-23T09:12:00Z",
            ["data"] = purchase,
        };
        if (type == "share.paid") evt["share"] = JsonNode.Parse(ByComponent["PaidShare"]);
        return evt.ToJsonString();
    }
}
