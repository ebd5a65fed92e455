using System.Net.Sockets;

namespace PledgFunctions.Hosting;

/// <summary>Whether a development dependency (Azurite, the mail sink) already listens on this machine.</summary>
internal static class LoopbackPorts
{
    public static async Task<bool> AnswersAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
