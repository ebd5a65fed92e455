using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PledgFunctions.Email;
using PledgFunctions.Hosting;

namespace PledgFunctions.Tests.Email;

/// <summary><c>Pledg:Email</c> as the contract's configuration table says, bound the way the service binds it.</summary>
public sealed class EmailOptionsTests
{
    private static PledgOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPledgOptions();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PledgOptions>>().Value;
    }

    [Fact]
    public void TheDefaultsAreTheContracts()
    {
        var email = Bind([]).Email;
        Assert.True(email.Enabled);
        Assert.Null(email.Smtp.Host);
        Assert.Equal(587, email.Smtp.Port);
        Assert.Equal(SmtpSecurity.StartTls, email.Smtp.Security);
        Assert.Equal(TimeSpan.FromSeconds(10), email.Smtp.Timeout);
        Assert.Equal("Pledg <no-reply@pledg.local>", email.From);
        Assert.Equal([TimeSpan.FromDays(1), TimeSpan.FromHours(3)], email.EffectiveReminders);
        Assert.Equal(TimeSpan.FromSeconds(30), email.FirstRetryDelay);
    }

    [Fact]
    public void ConfiguredRemindersReplaceTheDefaultsRatherThanJoinThem()
    {
        var email = Bind(new() { ["Pledg:Email:Reminders:0"] = "00:00:04" }).Email;
        Assert.Equal([TimeSpan.FromSeconds(4)], email.EffectiveReminders);
    }

    [Fact]
    public void TheTestSuitesSettingsBind()
    {
        var email = Bind(new()
        {
            ["Pledg:Email:Smtp:Host"] = "127.0.0.1", ["Pledg:Email:Smtp:Port"] = "2600", ["Pledg:Email:Smtp:Security"] = "None",
            ["Pledg:Email:FirstRetryDelay"] = "00:00:02", ["Pledg:Email:Enabled"] = "false",
        }).Email;
        Assert.Equal(new SmtpEndpoint("127.0.0.1", 2600, SmtpSecurity.None, IsDevelopmentSink: false), email.ResolveSmtp(isDevelopment: true));
        Assert.Equal(TimeSpan.FromSeconds(2), email.FirstRetryDelay);
        Assert.False(email.Enabled);
    }

    [Fact]
    public void WithNoHostDevelopmentSendsToTheLocalSinkAndOtherEnvironmentsToNothing()
    {
        var email = new EmailOptions();
        Assert.Equal(new SmtpEndpoint("127.0.0.1", DevelopmentMailSink.SmtpPort, SmtpSecurity.None, IsDevelopmentSink: true), email.ResolveSmtp(isDevelopment: true));
        Assert.Null(email.ResolveSmtp(isDevelopment: false).Host);
    }

    [Theory]
    [InlineData("From", "not an address")]
    [InlineData("Port", "0")]
    [InlineData("Timeout", "00:00:00")]
    [InlineData("FirstRetryDelay", "-00:00:01")]
    [InlineData("Reminders", "00:00:00")]
    [InlineData("UserName", "only-a-user")]
    public void NonsenseIsRefusedAtStartNamingTheSetting(string setting, string value)
    {
        var email = new EmailOptions();
        switch (setting)
        {
            case "From": email.From = value; break;
            case "Port": email.Smtp.Port = int.Parse(value); break;
            case "Timeout": email.Smtp.Timeout = TimeSpan.Parse(value); break;
            case "FirstRetryDelay": email.FirstRetryDelay = TimeSpan.Parse(value); break;
            case "Reminders": email.Reminders = [TimeSpan.Parse(value)]; break;
            case "UserName": email.Smtp.UserName = value; break;
        }
        var failures = new PledgOptionsValidator().Validate(null, new PledgOptions { Email = email }).Failures ?? [];
        Assert.Contains(failures, f => f.Contains(setting, StringComparison.Ordinal));
    }

    [Fact]
    public void TheDefaultsAreValid() =>
        Assert.True(new PledgOptionsValidator().Validate(null, new PledgOptions()).Succeeded);
}
