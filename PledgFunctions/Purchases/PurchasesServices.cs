namespace PledgFunctions.Purchases;

public static class PurchasesServices
{
    public static IServiceCollection AddPurchases(this IServiceCollection services)
    {
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<IdempotencyExpiry>(); // run on a schedule by each host
        services.AddScoped<PurchaseCreator>(); // starts the orchestration with the request's Durable client
        services.AddSingleton<PurchaseFaults>();
        return services;
    }
}
