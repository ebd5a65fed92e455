using PledgFunctions.Lifecycle;
using PledgFunctions.Money;
using PledgFunctions.Storage;
using PledgFunctions.Validation;

namespace PledgFunctions.Purchases;

/// <summary>The body of <c>POST /api/purchases</c>. Every field is nullable so that a missing
/// field is reported by <see cref="Validate"/> with its name rather than as a JSON error.</summary>
public sealed record CreatePurchaseRequest(
    string? OrganizerEmail,
    long? Amount,
    string? Currency,
    List<CartItem?>? Cart,
    string? Reference,
    string? NotificationUrl,
    bool? NotifyPledgers = null,
    string? Locale = null)
{
    public const int MaxReferenceLength = 255;
    public const int MaxCartItems = 100;
    public const int MaxItemNameLength = 200;
    public const long MaxQuantity = 1_000_000;
    public const int MaxUrlLength = 2048;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field, []), message];

        if (string.IsNullOrWhiteSpace(OrganizerEmail)) Add("organizerEmail", "Required.");
        else if (!Emails.IsValid(OrganizerEmail)) Add("organizerEmail", "Must be a valid email address.");

        if (Amount is null) Add("amount", "Required.");
        else if (Amount <= 0) Add("amount", "Must be a positive integer in the currency's minor unit.");
        else if (Amount > Currencies.MaxAmount) Add("amount", $"Must be at most {Currencies.MaxAmount} minor units.");

        if (string.IsNullOrWhiteSpace(Currency)) Add("currency", "Required.");
        else if (!Currencies.IsSupported(Currency))
            Add("currency", $"Unsupported currency; use an upper-case ISO 4217 code among {string.Join(", ", Currencies.Supported)}.");

        if (Cart is not null) ValidateCart(Add);

        if (Reference is { Length: > MaxReferenceLength }) Add("reference", $"At most {MaxReferenceLength} characters.");

        if (NotificationUrl is not null && !IsHttpUrl(NotificationUrl))
            Add("notificationUrl", "Must be an absolute http or https URL.");

        if (Locale is not null && !Locales.IsSupported(Locale))
            Add("locale", $"Unsupported locale; use one of {string.Join(", ", Locales.Supported)}.");
        return errors;
    }

    private void ValidateCart(Action<string, string> add)
    {
        if (Cart!.Count > MaxCartItems) { add("cart", $"At most {MaxCartItems} items."); return; }
        long sum = 0;
        var complete = true;
        for (var i = 0; i < Cart.Count; i++)
        {
            var item = Cart[i];
            var at = $"cart[{i}]";
            if (item is null) { add(at, "Must be an object."); complete = false; continue; }
            if (string.IsNullOrWhiteSpace(item.Name)) add($"{at}.name", "Required.");
            else if (item.Name.Length > MaxItemNameLength) add($"{at}.name", $"At most {MaxItemNameLength} characters.");
            if (item.Quantity is not (>= 1 and <= MaxQuantity)) { add($"{at}.quantity", $"Required, an integer from 1 to {MaxQuantity}."); complete = false; }
            if (item.UnitAmount is not (>= 0 and <= Currencies.MaxAmount)) { add($"{at}.unitAmount", $"Required, an integer from 0 to {Currencies.MaxAmount}."); complete = false; }
            if (complete) sum += item.Quantity!.Value * item.UnitAmount!.Value; // bounded: 1e6 * 1e8 * 100 < long.MaxValue
        }
        if (complete && Amount is > 0 && sum != Amount)
            add("cart", $"The cart adds up to {sum}, not to the amount {Amount}.");
    }

    private static bool IsHttpUrl(string value) =>
        value.Length <= MaxUrlLength && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(uri.Host);
}
