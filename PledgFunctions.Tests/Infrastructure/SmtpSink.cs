using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>A real SMTP server in the test process, on a free loopback port: keeps every message it
/// accepts (parsed), and can refuse a recipient for good (550), refuse everything for now (451), or
/// go down and come back on the same port to play an outage. Point a service at it with <see cref="Settings"/>.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly ConcurrentDictionary<string, byte> _rejected = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _recipientAttempts = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private volatile bool _failTemporarily;
    private TaskCompletionSource _arrived = NewSignal();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    private SmtpSink(int port) => Port = port;

    public int Port { get; }

    /// <summary>Every message accepted so far, in arrival order.</summary>
    public IReadOnlyList<MimeMessage> Messages => _messages.ToArray();

    /// <summary>RCPT TO commands seen for this address, accepted or not: how often a sender tried.</summary>
    public int RecipientAttempts(string address) => _recipientAttempts.GetValueOrDefault(address);

    public static async Task<SmtpSink> StartNewAsync()
    {
        var sink = new SmtpSink(FreePorts.Next());
        await sink.StartAsync();
        return sink;
    }

    /// <summary>The <c>Pledg:Email</c> settings that send a service's mail here (as configuration keys,
    /// the form the test fixtures take), with a short first retry so retries show within a test.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Pledg:Email:Smtp:Host"] = "127.0.0.1",
        ["Pledg:Email:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pledg:Email:Smtp:Security"] = "None",
        ["Pledg:Email:FirstRetryDelay"] = "00:00:02",
    };

    /// <summary>550 to RCPT TO for this address from now on.</summary>
    public void RejectPermanently(string address) => _rejected[address] = 0;

    /// <summary>While true, 451 to every RCPT TO and DATA.</summary>
    public void FailTemporarily(bool fail) => _failTemporarily = fail;

    /// <summary>Listens again (after <see cref="StopAsync"/>) on the same port.</summary>
    public async Task StartAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_server is not null) return;
            var options = new SmtpServerOptionsBuilder()
                .ServerName("smtp-sink.test")
                .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
                .Build();
            var services = new SmtpServer.ComponentModel.ServiceProvider();
            services.Add(new Filter(this));
            services.Add(new Store(this));
            _server = new SmtpServer.SmtpServer(options, services);
            _running = _server.StartAsync(CancellationToken.None);
            await Eventually.TrueAsync(() => FreePorts.AnswersAsync(Port), TimeSpan.FromSeconds(10), $"SMTP sink listening on {Port}");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops listening: connections are refused until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_server is null) return;
            _server.Shutdown();
            await _server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10));
            if (_running is not null) await _running.WaitAsync(TimeSpan.FromSeconds(10));
            _server = null;
            _running = null;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var arrived = _arrived.Task;
            if (_messages.FirstOrDefault(match) is { } found) return found;
            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching message reached the SMTP sink within {timeout} ({_messages.Count} arrived).");
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages (matching, if given) have arrived; returns them.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForCountAsync(int count, TimeSpan timeout, Func<MimeMessage, bool>? match = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var arrived = _arrived.Task;
            var matching = _messages.Where(match ?? (_ => true)).ToList();
            if (matching.Count >= count) return matching;
            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{matching.Count} of {count} messages reached the SMTP sink within {timeout}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _lifecycle.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Received(MimeMessage message)
    {
        _messages.Enqueue(message);
        Interlocked.Exchange(ref _arrived, NewSignal()).TrySetResult();
    }

    private static SmtpResponseException Temporary() =>
        new(new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Temporary failure (test sink), try again later"));

    private sealed class Filter(SmtpSink sink) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken ct) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken ct)
        {
            var address = $"{to.User}@{to.Host}";
            sink._recipientAttempts.AddOrUpdate(address, 1, (_, n) => n + 1);
            if (sink._failTemporarily) throw Temporary();
            if (sink._rejected.ContainsKey(address))
                throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "5.1.1 Mailbox unavailable (test sink)"));
            return Task.FromResult(true);
        }
    }

    private sealed class Store(SmtpSink sink) : IMessageStore
    {
        public Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            if (sink._failTemporarily) return Task.FromResult(new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Temporary failure (test sink), try again later"));
            using var stream = new MemoryStream(buffer.ToArray());
            sink.Received(MimeMessage.Load(stream, ct));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
