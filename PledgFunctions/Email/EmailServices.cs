using PledgFunctions.Hosting;

namespace PledgFunctions.Email;

public static class EmailServices
{
    /// <summary>The SMTP sender, under both hosts. The options are bound and validated with the rest of
    /// <c>Pledg</c> (<see cref="PledgOptions.Email"/>, Hosting/OptionsSetup.cs).</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddSingleton<IMailSender, SmtpMailSender>();
        return services;
    }

    /// <summary>Standalone host only: in Development with no SMTP host, starts smtp4dev for <c>dotnet run</c>.
    /// Not under the Functions host, whose worker the host restarts at will and whose tests run in
    /// Development: there the developer starts the sink once (tools/mail-sink.sh, docs/email.md).</summary>
    public static IServiceCollection AddDevelopmentMailSink(this IServiceCollection services)
    {
        services.AddHostedService<DevelopmentMailLauncher>();
        return services;
    }
}
