using Microsoft.OpenApi;
using PledgFunctions.Money;
using PledgFunctions.Storage;
using static PledgFunctions.OpenApi.SchemaBuilders;

namespace PledgFunctions.OpenApi;

/// <summary>The contract's types, bounds and required fields, written over the schemas generated
/// from the C# records (whose fields are nullable strings so that bad input gets our 400, not a
/// binding error). Rules go by property name, so a new record with an <c>amount</c> or a
/// <c>state</c> is described without a line here; (schema, property) entries override.</summary>
internal static class ContractSchemas
{
    /// <summary>Component names a merchant sees in a generated client, by C# type name.</summary>
    public static readonly Dictionary<string, string> ComponentNames = new()
    {
        ["PurchaseView"] = "Purchase",
        ["StatusView"] = "PurchaseStatus",
        ["Page"] = "PurchaseList",
        ["CheckoutView"] = "Checkout",
        ["ShareView"] = "CheckoutShare",
        ["ShareDetails"] = "Share",
        ["EventView"] = "Event",
        ["Healthy"] = "Health",
        ["ProblemDetails"] = "Problem",
        ["HttpValidationProblemDetails"] = "Problem",
        ["PaymentView"] = "Payment",
    };

    /// <summary>Request bodies: exactly these fields are required (and then never null); the rest are optional.</summary>
    public static readonly Dictionary<string, string[]> RequestRequired = new()
    {
        ["CreatePurchaseRequest"] = ["organizerEmail", "amount", "currency"],
        ["PatchPurchaseRequest"] = [],
        ["CancelPurchaseRequest"] = [],
        ["RefundPurchaseRequest"] = [],
        ["CartItem"] = ["name", "quantity", "unitAmount"],
        ["PledgeRequest"] = ["card"],
        ["PledgerInput"] = ["email"],
        ["PayRequest"] = ["card"],
        ["CardInput"] = ["number", "expMonth", "expYear", "cvc"],
    };

    /// <summary>Optional request fields that may not be null when given (PATCH: null clears only the optional fields).</summary>
    public static readonly Dictionary<string, string[]> RequestNeverNull = new()
    {
        ["PatchPurchaseRequest"] = ["amount", "currency"],
    };

    /// <summary>Enums added only once a property refers to them (their fields come with routes still to be added).</summary>
    public static readonly HashSet<string> OnlyWhenReferenced = ["RefundStatus", "PaymentType", "PaymentReason", "PaymentStatus"];

    /// <summary>What a merchant reads, where the C# summary speaks to the maintainers.</summary>
    public static readonly Dictionary<string, string> Descriptions = new()
    {
        ["CreatePurchaseRequest"] = "A new purchase. When `cart` is given, the sum of `quantity * unitAmount` must equal `amount`.",
        ["PledgeRequest"] = "The organizer names 0 to 20 pledgers (distinct, not the organizer) and pays the whole cart. " +
                            "Either no pledger gives an `amount` (equal split, the remainder to the organizer) or every pledger does.",
        ["PayRequest"] = "A pledger pays its share.",
        ["CancelPurchaseRequest"] = "Optional body of a cancel.",
        ["CardInput"] = "A card; never stored (only brand and last four digits are kept).",
        ["PatchPurchaseRequest"] = "Any of these fields; one not given keeps its value, null clears cart, reference or notificationUrl. " +
                                   "The result must pass every rule of create.",
        ["RefundPurchaseRequest"] = "Optional body of a refund.",
        ["Payment"] = "A money movement: a `charge` taken from a member's card or a `refund` given back to it. Only money that moved is listed, and refunds the card network refused for good (status failed).",
        ["PaymentList"] = "A purchase's money movements, oldest first.",
    };

    private const long MaxQuantity = 1_000_000;

    public static readonly Dictionary<string, Rule> ByName = new()
    {
        ["id"] = Text(64),
        ["state"] = Ref("PurchaseState"),
        ["purchaseState"] = Ref("PurchaseState"),
        ["failureReason"] = Ref("FailureReason"),
        ["refundStatus"] = Ref("RefundStatus"),
        ["currency"] = Ref("Currency"),
        ["amount"] = Integer(1, Currencies.MaxAmount),
        ["collectedAmount"] = Integer(0, Currencies.MaxAmount),
        ["paidAmount"] = Integer(0, Currencies.MaxAmount),
        ["reimbursedAmount"] = Integer(0, Currencies.MaxAmount),
        ["refundedAmount"] = Integer(0, Currencies.MaxAmount),
        ["unitAmount"] = Integer(0, Currencies.MaxAmount),
        ["quantity"] = Integer(1, MaxQuantity),
        ["email"] = SchemaBuilders.Email(),
        ["organizerEmail"] = SchemaBuilders.Email(),
        ["pledgerEmails"] = List(20, SchemaBuilders.Email()),
        ["paymentUrl"] = Url(),
        ["shareUrl"] = Url(),
        ["notificationUrl"] = Url(),
        ["reference"] = Text(255),
        ["reason"] = Text(500),
        ["name"] = Text(200, minLength: 1),
        ["merchantName"] = Text(200),
        ["cart"] = List(100),
        ["pledgers"] = List(20),
        ["shares"] = List(21),
        ["items"] = List(100),
        ["nextCursor"] = Text(128),
        ["cardLast4"] = Text(4, pattern: "^[0-9]{4}$"),
        ["number"] = Text(32, pattern: "^[0-9 -]+$"),
        ["expMonth"] = Integer(1, 12),
        ["expYear"] = Integer(2000, 2100),
        ["cvc"] = Text(4, pattern: "^[0-9]{3,4}$"),
        ["attempts"] = Integer(0, int.MaxValue),
        // Holds the receiver's reason phrase, bounded only by HttpClient's 64 KiB limit on response headers.
        ["lastError"] = Text(66_000),
    };

    public static readonly Dictionary<(string Schema, string Property), Rule> BySchemaAndName = new()
    {
        [("Purchase", "id")] = Text(36, pattern: "^pur_[0-9a-f]{32}$"),
        [("Event", "id")] = Text(52, pattern: "^evt_[0-9a-f]{48}$"),
        [("Event", "type")] = Ref("EventType"),
        [("Event", "status")] = Ref("DeliveryStatus"),
        [("Health", "status")] = OneOf("healthy"),
        [("CheckoutShare", "amount")] = Integer(0, Currencies.MaxAmount), // the organizer's share may be 0 in a custom split
        [("Payment", "type")] = Ref("PaymentType"),
        [("Payment", "reason")] = Ref("PaymentReason"),
        [("Payment", "status")] = Ref("PaymentStatus"),
        // The card network's words for a refused refund, not the purchase's FailureReason enum.
        [("Payment", "failureReason")] = Text(500),
        [("PaymentList", "items")] = List(500),
    };

    /// <summary>The enums and shared shapes the rules refer to.</summary>
    public static Dictionary<string, IOpenApiSchema> Components(OpenApiDocument document) => new()
    {
        ["PurchaseState"] = StringEnum("A purchase's or share's state; SUCCESSFULL and FAILED are final.",
            [PurchaseStates.Initialized, PurchaseStates.Succeeded, PurchaseStates.Failed]),
        ["FailureReason"] = StringEnum("Why a purchase FAILED (null unless FAILED).",
            [FailureReasons.DeadlineExpired, FailureReasons.Cancelled]),
        ["RefundStatus"] = StringEnum("null until a merchant refund is requested, pending, then succeeded once every refund is made.",
            ["pending", "succeeded"]),
        ["Currency"] = StringEnum("ISO 4217 code in upper case; amounts are integers in its minor unit.",
            Currencies.Supported.Order(StringComparer.Ordinal)),
        ["PaymentType"] = StringEnum("charge: money taken from a member's card; refund: money given back to it.", ["charge", "refund"]),
        ["PaymentReason"] = StringEnum("For a charge: pledge or share; for a refund: reimbursement, purchase_failed or merchant_refund.",
            ["pledge", "share", "reimbursement", "purchase_failed", "merchant_refund"]),
        ["PaymentStatus"] = StringEnum("succeeded: the money moved; failed: a refund the card network refused for good (failureReason says why), no money moved.",
            [PaymentEntity.Succeeded, PaymentEntity.Failed]),
        ["EventType"] = StringEnum("The notification's kind.", WebhookEvents.Types),
        ["DeliveryStatus"] = StringEnum("Where the delivery of an event stands.",
            [EventEntity.Pending, EventEntity.Delivered, EventEntity.GivenUp]),
        ["ProblemCode"] = StringEnum("The machine-readable error code.", ProblemCodes.All),
        ["Problem"] = ProblemSchema.Build(document),
        ["PurchaseEvent"] = WebhookEvents.EventSchema(document),
    };
}
