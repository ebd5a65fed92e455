using System.Diagnostics;
using Microsoft.Extensions.Options;
using PledgFunctions.Email;

namespace PledgFunctions.Hosting;

/// <summary>In Development with no <c>Pledg:Email:Smtp:Host</c>, mail goes to a local SMTP sink with a
/// web inbox (smtp4dev, the dotnet tool pinned in tools/mail-sink/.config/dotnet-tools.json): this starts it unless its
/// port already answers, keeps its data in the git-ignored <c>.smtp4dev/</c>, and stops it with the
/// service. In the background, unlike Azurite: the service works without it (a send that finds no sink
/// is retried), and smtp4dev takes seconds to start.</summary>
internal sealed class DevelopmentMailLauncher(IOptions<PledgOptions> options, IHostEnvironment environment,
    ILogger<DevelopmentMailLauncher> logger) : BackgroundService
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process? _sink;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var email = options.Value.Email;
        if (!email.Enabled || !email.ResolveSmtp(environment.IsDevelopment()).IsDevelopmentSink) return;
        if (await LoopbackPorts.AnswersAsync(DevelopmentMailSink.SmtpPort, ct))
        {
            logger.LogInformation("Mail goes to the SMTP sink already listening on {Host}:{Port}; if it is smtp4dev, read it at {Inbox}",
                DevelopmentMailSink.Host, DevelopmentMailSink.SmtpPort, DevelopmentMailSink.InboxUrl);
            return;
        }
        var root = FindRepositoryRoot();
        if (root is null)
        {
            logger.LogError("No SMTP host is configured and .config/dotnet-tools.json was not found above {Directory}: mail is not delivered. Run from the repository, or set Pledg:Email:Smtp:Host", AppContext.BaseDirectory);
            return;
        }
        try
        {
            // A tool not yet restored exits at once; restore it then (from the local package cache or the feed) and try once more.
            if (!await StartAsync(root, ct) && await RestoreToolsAsync(root, ct)) await StartAsync(root, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failing BackgroundService stops the host: the service must run on without its inbox.
            logger.LogError(e, "Could not start smtp4dev: mail is not delivered. Run 'dotnet tool restore' in {Folder}, or set Pledg:Email:Smtp:Host", ToolFolder(root));
        }
    }

    private async Task<bool> StartAsync(string root, CancellationToken ct)
    {
        _sink?.Dispose();
        _sink = Launch(root);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        while (!_sink.HasExited && !timeout.IsCancellationRequested)
        {
            // SMTP opens before the web inbox: say where to read the mail once both answer.
            if (await LoopbackPorts.AnswersAsync(DevelopmentMailSink.SmtpPort, ct) && await LoopbackPorts.AnswersAsync(DevelopmentMailSink.InboxPort, ct))
            {
                logger.LogInformation("Mail goes to smtp4dev (pid {Pid}) on {Host}:{Port}: read it at {Inbox}",
                    _sink.Id, DevelopmentMailSink.Host, DevelopmentMailSink.SmtpPort, DevelopmentMailSink.InboxUrl);
                return true;
            }
            await Task.Delay(200, ct);
        }
        if (_sink.HasExited)
            logger.LogError("smtp4dev exited with code {Code} before port {Port} answered: mail is not delivered. Run 'dotnet tool restore' in {Folder}, or set Pledg:Email:Smtp:Host",
                _sink.ExitCode, DevelopmentMailSink.SmtpPort, ToolFolder(root));
        else
            logger.LogError("smtp4dev did not open ports {Port} and {InboxPort} within {Timeout}", DevelopmentMailSink.SmtpPort, DevelopmentMailSink.InboxPort, StartTimeout);
        return false;
    }

    /// <summary>smtp4dev has a tool manifest of its own (tools/mail-sink/.config/dotnet-tools.json):
    /// the repository's `dotnet tool restore` (the tests run it for the client generators) does not
    /// download its 170 MB.</summary>
    private static string ToolFolder(string root) => Path.Combine(root, "tools", "mail-sink");

    private Process Launch(string root)
    {
        var data = Path.Combine(root, ".smtp4dev");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ToolFolder(root),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Loopback only, no IMAP/POP3, no user settings: nothing listens beyond this machine and
        // nothing is written outside .smtp4dev/ (XDG_CONFIG_HOME is where it would look otherwise).
        foreach (var arg in new[] { "tool", "run", "smtp4dev", "--",
                     $"--baseappdatapath={data}", "--nousersettings", $"--db={Path.Combine(data, "database.db")}",
                     $"--bindaddress={DevelopmentMailSink.Host}", $"--smtpport={DevelopmentMailSink.SmtpPort}", "--tlsmode=None",
                     "--imapport=", "--pop3port=", $"--urls={DevelopmentMailSink.InboxUrl}" })
            start.ArgumentList.Add(arg);
        start.Environment["XDG_CONFIG_HOME"] = data;
        // Ours, not its own: launchSettings' address and our settings would be read by its web host too.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("Pledg__", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(inherited);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet for smtp4dev.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) logger.LogDebug("smtp4dev: {Line}", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logger.LogDebug("smtp4dev: {Line}", e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<bool> RestoreToolsAsync(string root, CancellationToken ct)
    {
        logger.LogInformation("Running 'dotnet tool restore' for smtp4dev");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = ToolFolder(root), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("tool");
        start.ArgumentList.Add("restore");
        using var restore = Process.Start(start);
        if (restore is null) return false;
        var output = restore.StandardOutput.ReadToEndAsync(ct);
        var errors = restore.StandardError.ReadToEndAsync(ct);
        await restore.WaitForExitAsync(ct);
        if (restore.ExitCode == 0) return true;
        logger.LogError("'dotnet tool restore' failed ({Code}): {Output} {Errors}", restore.ExitCode, (await output).Trim(), (await errors).Trim());
        return false;
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        if (_sink is { HasExited: false } sink)
        {
            logger.LogInformation("Stopping smtp4dev (pid {Pid})", sink.Id);
            sink.Kill(entireProcessTree: true);
        }
    }

    public override void Dispose()
    {
        _sink?.Dispose();
        base.Dispose();
    }

    /// <summary>The folder holding .config/dotnet-tools.json: above the build output for <c>dotnet run</c>, or the working directory.</summary>
    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json"))) return dir.FullName;
        return null;
    }
}
