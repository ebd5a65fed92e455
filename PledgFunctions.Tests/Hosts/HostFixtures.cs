using PledgFunctions.Tests.Infrastructure;
using PledgFunctions.Tests.Webhooks;

namespace PledgFunctions.Tests.Hosts;

/// <summary>One Azurite, one service and one webhook receiver per test class, the service run by
/// whichever host a subclass starts. The same test classes run over each (see HostFlows).</summary>
public abstract class HostFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;
    public IServiceUnderTest Service { get; private set; } = null!;
    public WebhookReceiver Receiver { get; private set; } = null!;
    public SmtpSink Smtp { get; private set; } = null!;

    /// <summary>Why the host could not be had (the class's tests then skip or, strict, fail with it).</summary>
    public Exception? Missing { get; private set; }

    protected virtual void Configure(Dictionary<string, string?> settings) =>
        settings["Pledg:Webhooks:FirstRetryDelay"] = "00:00:01";

    protected abstract Task<IServiceUnderTest> StartServiceAsync(Azurite azurite, Dictionary<string, string?> settings);

    /// <summary>Called first by every test: skips (or fails, strict) when the host is missing.</summary>
    public IServiceUnderTest Require()
    {
        if (Missing is not null) throw Missing;
        return Service;
    }

    public async Task InitializeAsync()
    {
        try
        {
            BeforeStart();
        }
        catch (Exception e) when (e is SkipException or InvalidOperationException)
        {
            Missing = e;
            return;
        }
        Azurite = await Azurite.StartNewAsync();
        Receiver = await WebhookReceiver.StartNewAsync();
        Smtp = await SmtpSink.StartNewAsync();
        var settings = Smtp.Settings();
        settings["Pledg:Email:Enabled"] = "true";
        Configure(settings);
        Service = await StartServiceAsync(Azurite, settings);
    }

    /// <summary>Finds what the host needs (<see cref="Requires"/>); throws when it is missing.</summary>
    protected virtual void BeforeStart() { }

    public async Task DisposeAsync()
    {
        if (Service is IAsyncDisposable service) await service.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
        if (Smtp is not null) await Smtp.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}

/// <summary>Standalone: PledgApp on Kestrel with the in-process engine, in the test process.</summary>
public class StandaloneHostFixture : HostFixture
{
    protected override async Task<IServiceUnderTest> StartServiceAsync(Azurite azurite, Dictionary<string, string?> settings) =>
        await TestService.StartAsync(azurite, s => { foreach (var (k, v) in settings) s[k] = v; });
}

/// <summary>The built app under the real Functions host (Core Tools' func, or the host built from
/// source beside the repository), in Development as <c>func start</c> runs it.</summary>
public class FunctionsHostFixture : HostFixture
{
    private FunctionsHostCommand _host = null!;

    protected override void BeforeStart() => _host = Requires.FunctionsHost();

    protected override async Task<IServiceUnderTest> StartServiceAsync(Azurite azurite, Dictionary<string, string?> settings) =>
        await FunctionsHostProcess.StartAsync(_host, azurite, settings);
}
