using System.Text.Json;
using Microsoft.Extensions.Options;
using PledgFunctions.Errors;
using PledgFunctions.Hosting;
using PledgFunctions.Lifecycle;
using PledgFunctions.Merchants;
using PledgFunctions.Storage;
using PledgFunctions.Validation;

namespace PledgFunctions.Purchases;

/// <summary>Writes a new purchase. Everything that points at the purchase goes first, together
/// (the merchant index row and the purchase's orchestration, which holds its deadline timer): if we
/// die before the purchase row lands they point at nothing, and listing skips such a row while the
/// orchestration ends by itself. Then the purchase row, the commit point. So a purchase never exists
/// without its deadline, at two sequential round trips.</summary>
public sealed class PurchaseCreator(
    PurchaseTable purchases, MerchantIndexTable merchantIndex, LifecycleSignals lifecycle, IOptions<PledgOptions> options)
{
    public PurchaseEntity NewEntity(string purchaseId, Merchant merchant, CreatePurchaseRequest request, string baseUrl, DateTimeOffset now) => new()
    {
        PartitionKey = purchaseId,
        MerchantId = merchant.Id,
        MerchantName = merchant.Name,
        OrganizerEmail = request.OrganizerEmail!,
        Amount = request.Amount!.Value,
        Currency = request.Currency!,
        CartJson = request.Cart is null ? null : JsonSerializer.Serialize(request.Cart, JsonBody.ResponseOptions),
        Reference = request.Reference,
        NotificationUrl = request.NotificationUrl,
        NotifyPledgers = request.NotifyPledgers ?? true,
        Locale = request.Locale ?? Locales.Default,
        OrganizerToken = PurchaseKeys.NewOrganizerToken(purchaseId),
        BaseUrl = baseUrl,
        State = PurchaseStates.Initialized,
        CreatedAt = now,
        Deadline = now + options.Value.PaymentWindow,
    };

    /// <summary>Returns the stored purchase: the new one, or the one an earlier attempt with the
    /// same purchase id (an idempotent retry taking over) already created.</summary>
    public async Task<PurchaseEntity> CreateAsync(PurchaseEntity purchase, CancellationToken ct)
    {
        await Task.WhenAll(
            merchantIndex.AddAsync(purchase.MerchantId, purchase.PartitionKey, Emails.Normalize(purchase.OrganizerEmail), purchase.CreatedAt, ct),
            lifecycle.StartAsync(purchase.PartitionKey, purchase.Deadline, ct));
        try
        {
            await purchases.InsertAsync(purchase, ct);
            return purchase;
        }
        catch (Exception e) when (StorageErrors.IsConflict(e))
        {
            // Taken over from an attempt that died after its insert: the purchase it created stands,
            // with the orchestration that attempt started.
            return await purchases.GetPurchaseAsync(purchase.PartitionKey, ct)
                ?? throw new InvalidOperationException($"Purchase {purchase.PartitionKey} conflicted but cannot be read.");
        }
    }

    public string BaseUrlFor(HttpRequest request) =>
        (options.Value.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/');
}
