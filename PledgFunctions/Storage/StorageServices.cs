namespace PledgFunctions.Storage;

public static class StorageServices
{
    /// <summary>Table/Queue clients from <c>AzureWebJobsStorage</c> and the thin wrappers over them.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddSingleton<StorageOperationCounter>();
        services.AddSingleton<StorageClients>();
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<PurchaseTable>();
        services.AddSingleton<MerchantIndexTable>();
        return services;
    }
}
