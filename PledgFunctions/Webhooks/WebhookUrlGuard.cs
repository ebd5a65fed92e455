using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;

namespace PledgFunctions.Webhooks;

/// <summary>The SSRF guard, applied twice: when a purchase names its notificationUrl (a fast 400)
/// and on every delivery connection, where it decides on the very addresses the socket connects
/// to, so a name that resolves to a public address at creation and to 127.0.0.1 at delivery
/// (DNS rebinding) is still refused.</summary>
public sealed class WebhookUrlGuard(IOptions<PledgOptions> options, IHostEnvironment environment, TimeProvider time)
{
    public const string TestingEnvironment = "Testing";
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public bool IsActive { get; } = IsActiveFor(options.Value.Webhooks.AllowPrivateNetworks, environment);

    public static bool IsActiveFor(bool? allowPrivateNetworks, IHostEnvironment environment) =>
        !(allowPrivateNetworks ?? (environment.IsDevelopment() || environment.IsEnvironment(TestingEnvironment)));

    /// <summary>Why <paramref name="url"/> may not receive notifications, or null when it may.
    /// A name that does not resolve now is accepted: delivery checks again, and DNS may be set up later.</summary>
    public async Task<string?> RefusalAsync(string? url, CancellationToken ct)
    {
        if (!IsActive || url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
        return addresses.FirstOrDefault(PrivateAddresses.IsForbidden) is { } forbidden
            ? $"Must not point to a loopback, private or link-local address ({uri.Host} is {forbidden})."
            : null;
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> of the webhook client: resolve
    /// once, refuse if any address is forbidden, connect to the checked addresses only.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, ct);
        if (IsActive && addresses.FirstOrDefault(PrivateAddresses.IsForbidden) is { } forbidden)
            throw new RefusedAddressException($"Refused: {host} resolves to {forbidden}, a loopback, private or link-local address.");
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        host = host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        // "localhost" and its subdomains are loopback by definition (RFC 6761), whatever DNS says.
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        using var timeout = new CancellationTokenSource(ResolveTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var addresses = await Dns.GetHostAddressesAsync(host, linked.Token);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }
}

/// <summary>A delivery refused by the SSRF guard (recorded as the attempt's error).</summary>
public sealed class RefusedAddressException(string message) : IOException(message);
