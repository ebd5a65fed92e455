using System.Net;
using System.Net.Sockets;

namespace PledgFunctions.Tests.Infrastructure;

public static class FreePorts
{
    // Ports are handed out below the kernel's ephemeral range. A port the OS hands out for
    // "port 0" comes from that range, and so does the local port of every outgoing connection
    // (hundreds per test to Azurite): between our pick and the child's bind one of them could take
    // it (CI saw the Functions host fail with "address already in use"). Below the range only
    // listeners live, and the counter keeps this process's picks apart.
    private static readonly (int First, int Last) Range = BelowEphemeralRange();
    private static int _next = Range.First + Random.Shared.Next(Range.Last - Range.First);

    /// <summary>A loopback port nobody listens on now, outside the range outgoing connections use.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Interlocked.Increment(ref _next);
            if (port > Range.Last)
            {
                Interlocked.CompareExchange(ref _next, Range.First, port);
                continue;
            }
            if (CanBind(port)) return port;
        }
        throw new InvalidOperationException($"no free loopback port in {Range.First}–{Range.Last}");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>From 20000 to just below the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range,
    /// 32768 by default); elsewhere below 49152, the IANA dynamic range.</summary>
    private static (int, int) BelowEphemeralRange()
    {
        const string linux = "/proc/sys/net/ipv4/ip_local_port_range";
        var ephemeralStart = 49152;
        if (File.Exists(linux)
            && int.TryParse(File.ReadAllText(linux).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var start))
            ephemeralStart = start;
        return ephemeralStart > 21000 ? (20000, ephemeralStart - 1) : (10000, ephemeralStart - 1);
    }

    public static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
