using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PledgFunctions.Errors;
using PledgFunctions.Lifecycle;
using PledgFunctions.Storage;

namespace PledgFunctions.Purchases;

/// <summary>The body of <c>PATCH /api/purchases/{id}</c>: any of the editable fields. A field
/// left out keeps its value; <c>null</c> clears <c>cart</c>, <c>reference</c> or
/// <c>notificationUrl</c>, puts <c>notifyPledgers</c> and <c>locale</c> back to their defaults (RFC 7396:
/// null removes the member) (and is refused for <c>amount</c> and <c>currency</c> by the rules of create).</summary>
public sealed record EditPurchaseRequest(long? Amount, string? Currency, List<CartItem?>? Cart, string? Reference, string? NotificationUrl,
    bool? NotifyPledgers = null, string? Locale = null)
{
    /// <summary>Names of the fields the body gave, in camelCase.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlySet<string> Given { get; private init; } = new HashSet<string>();

    public bool Gives(string field) => Given.Contains(field);

    public static bool TryParse(byte[] body, out EditPurchaseRequest? edit, out ProblemHttpResult? problem)
    {
        if (!JsonBody.TryParse(body, optional: false, out edit, out problem)) return false;
        // Property names match case-insensitively, as in the typed parse above.
        using var document = JsonDocument.Parse(body);
        edit = edit! with
        {
            Given = document.RootElement.EnumerateObject()
                .Select(p => p.Name.ToLowerInvariant() switch
                {
                    "amount" => "amount", "currency" => "currency", "cart" => "cart",
                    "reference" => "reference", "notificationurl" => "notificationUrl",
                    "notifypledgers" => "notifyPledgers", "locale" => "locale", _ => null,
                })
                .OfType<string>().ToHashSet(),
        };
        return true;
    }

    /// <summary>The purchase as it would be after the edit, in the shape create validates.</summary>
    public CreatePurchaseRequest ApplyTo(PurchaseEntity p) => new(
        p.OrganizerEmail,
        Gives("amount") ? Amount : p.Amount,
        Gives("currency") ? Currency : p.Currency,
        Gives("cart") ? Cart : PurchaseView.CartOf(p)?.Select(i => (CartItem?)i).ToList(),
        Gives("reference") ? Reference : p.Reference,
        Gives("notificationUrl") ? NotificationUrl : p.NotificationUrl,
        Gives("notifyPledgers") ? NotifyPledgers ?? true : p.NotifyPledgers,
        Gives("locale") ? Locale ?? Locales.Default : p.Locale);
}
