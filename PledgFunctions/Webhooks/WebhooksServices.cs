namespace PledgFunctions.Webhooks;

public static class WebhooksServices
{
    /// <summary>Signed merchant notifications from the outbox: the delivery attempt the purchase's
    /// orchestration retries, redelivery on request, and the SSRF guard.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<EventRows>();
        services.AddSingleton<WebhookUrlGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<MerchantDeliveryLimiter>();
        services.AddSingleton<ReopenEvent>();
        services.AddSingleton<WebhookFaults>();
        services.AddScoped<WebhookRedelivery>(); // starts a delivery with the request's Durable client
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = WebhookSender.Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Every connection goes through the guard, which connects to the addresses it checked.
                ConnectCallback = sp.GetRequiredService<WebhookUrlGuard>().ConnectAsync,
                ConnectTimeout = WebhookSender.Timeout,
                // A redirect or a proxy would send the request somewhere the merchant did not register.
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
            });
        return services;
    }
}
