using PledgFunctions.Email;
using Microsoft.Extensions.Options;

namespace PledgFunctions.Hosting;

public static class OptionsSetup
{
    /// <summary>Binds <c>Pledg</c> and fails start-up on nonsense, rather than at the first request.</summary>
    public static IServiceCollection AddPledgOptions(this IServiceCollection services)
    {
        services.AddOptions<PledgOptions>().BindConfiguration(PledgOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PledgOptions>, PledgOptionsValidator>();
        return services;
    }
}

internal sealed class PledgOptionsValidator : IValidateOptions<PledgOptions>
{
    public ValidateOptionsResult Validate(string? name, PledgOptions options)
    {
        var failures = new List<string>();
        if (options.PaymentWindow <= TimeSpan.Zero) failures.Add("Pledg:PaymentWindow must be positive.");
        if (options.PublicBaseUrl is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            failures.Add("Pledg:PublicBaseUrl must be an absolute URL.");
        for (var i = 0; i < options.BootstrapMerchants.Count; i++)
        {
            var m = options.BootstrapMerchants[i];
            if (string.IsNullOrWhiteSpace(m.Name)) failures.Add($"Pledg:BootstrapMerchants:{i}:Name is required.");
            if (m.ApiKey.Length < 16) failures.Add($"Pledg:BootstrapMerchants:{i}:ApiKey must be at least 16 characters.");
            if (m.WebhookSecret.Length < 16) failures.Add($"Pledg:BootstrapMerchants:{i}:WebhookSecret must be at least 16 characters.");
        }
        if (options.Webhooks.FirstRetryDelay <= TimeSpan.Zero) failures.Add("Pledg:Webhooks:FirstRetryDelay must be positive.");
        if (options.Webhooks.MaxConcurrentPerMerchant < 1) failures.Add("Pledg:Webhooks:MaxConcurrentPerMerchant must be at least 1.");
        if (options.History.KeepFinishedFor <= TimeSpan.Zero) failures.Add("Pledg:History:KeepFinishedFor must be positive.");
        if (options.History.PurgeEvery <= TimeSpan.Zero) failures.Add("Pledg:History:PurgeEvery must be positive.");
        if (options.Recovery.SweepEvery <= TimeSpan.Zero) failures.Add("Pledg:Recovery:SweepEvery must be positive.");
        failures.AddRange(EmailOptionsValidation.Failures(options.Email));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
