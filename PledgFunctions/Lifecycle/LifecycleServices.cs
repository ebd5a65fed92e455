using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PledgFunctions.Webhooks;

namespace PledgFunctions.Lifecycle;

public static class LifecycleServices
{
    /// <summary>The transitions every path commits, the deadline rule reads enforce, and the signals
    /// requests send to the orchestrations. The engine itself is the host's (Functions) or the
    /// standalone one's (<see cref="Engine.StandaloneEngine"/>).</summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddSingleton<TransitionCommitter>();
        services.AddSingleton<DeadlineEnforcer>();
        services.AddScoped<LifecycleSignals>(); // per request: it holds the request's Durable client
        services.AddSingleton<StartedInstances>();
        services.AddSingleton<ObservePurchase>();
        services.AddSingleton<FailPurchaseAtDeadline>();
        services.AddSingleton<NotifyMerchant>();
        services.AddSingleton<Messages.MessageBook>();
        services.AddSingleton<Messages.SendMessages>();
        services.AddSingleton<SettleMoney>();
        services.AddSingleton<FinishedInstancePurge>();
        services.AddSingleton<StrandedMoneySweep>(); // holds no client: each run is given one
        services.TryAddSingleton<IEngineReadiness, HostedEngine>();
        return services;
    }

    /// <summary>Every orchestrator and activity, by class name: the names the Functions host knows
    /// them by too (Functions/LifecycleFunctions.cs).</summary>
    public static void AddTasks(DurableTaskRegistry tasks)
    {
        tasks.AddOrchestrator<PurchaseLifecycle>();
        tasks.AddOrchestrator<DeliverEvent>();
        tasks.AddOrchestrator<MerchantRefund>();
        tasks.AddActivity<ObservePurchase>();
        tasks.AddActivity<FailPurchaseAtDeadline>();
        tasks.AddActivity<NotifyMerchant>();
        tasks.AddActivity<Messages.SendMessages>();
        tasks.AddActivity<ReopenEvent>();
        tasks.AddActivity<SettleMoney>();
    }
}
