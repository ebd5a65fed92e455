using Microsoft.Extensions.DependencyInjection.Extensions;
using PledgFunctions.Lifecycle;

namespace PledgFunctions.Webhooks;

public static class WebhooksServices
{
    /// <summary>Signed merchant notifications from the outbox: the announcer every final
    /// transition calls, the delivery attempt, the SSRF guard, and (with in-process workers) the
    /// worker that drives them.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, bool inProcessWorkers)
    {
        services.AddSingleton<WebhookQueue>();
        services.AddSingleton<EventRows>();
        services.AddSingleton<WebhookUrlGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDelivery>();
        services.AddSingleton<WebhookRedelivery>();
        services.AddSingleton(new WebhookNudges(enabled: inProcessWorkers));
        services.Replace(ServiceDescriptor.Singleton<IEventAnnouncer, WebhookAnnouncer>());
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
        if (inProcessWorkers) services.AddHostedService<WebhookWorker>();
        return services;
    }
}
