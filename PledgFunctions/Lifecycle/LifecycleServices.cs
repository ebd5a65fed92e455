using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PledgFunctions.Lifecycle;

public static class LifecycleServices
{
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddSingleton<TransitionCommitter>();
        services.TryAddSingleton<IEventAnnouncer, NoEventAnnouncer>();
        return services;
    }
}
