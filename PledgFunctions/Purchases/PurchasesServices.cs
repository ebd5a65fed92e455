namespace PledgFunctions.Purchases;

public static class PurchasesServices
{
    public static IServiceCollection AddPurchases(this IServiceCollection services)
    {
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<PurchaseCreator>();
        services.AddSingleton<PurchaseFaults>();
        return services;
    }
}
