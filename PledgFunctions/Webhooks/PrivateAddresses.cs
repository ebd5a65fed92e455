using System.Net;
using System.Net.Sockets;

namespace PledgFunctions.Webhooks;

/// <summary>Addresses a notification must never reach outside Development: anything that is not
/// the public internet (the service's own loopback, the private network it runs in, cloud
/// metadata at 169.254.169.254, ...). IPv6 forms that embed an IPv4 address are judged by it.</summary>
public static class PrivateAddresses
{
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsForbiddenV4(address.MapToIPv4().GetAddressBytes());
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsForbiddenV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;

        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)) return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return true;
        // ::a.b.c.d (deprecated IPv4-compatible) and 64:ff9b::a.b.c.d (NAT64) reach an IPv4 host.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return IsForbiddenV4(b[12..]);
        if (b.AsSpan(0, 12).SequenceEqual(Nat64Prefix)) return IsForbiddenV4(b[12..]);
        // 2002:a.b.c.d::/48 (6to4) tunnels to the embedded IPv4 address.
        if (b[0] == 0x20 && b[1] == 0x02) return IsForbiddenV4(b[2..6]);
        return false;
    }

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    private static bool IsForbiddenV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 => true,                                  // 0.0.0.0/8 "this network" (0.0.0.0 reaches the local host)
        10 => true,                                 // 10/8 private
        127 => true,                                // loopback
        100 => (b[1] & 0xC0) == 64,                 // 100.64/10 carrier-grade NAT
        169 => b[1] == 254,                         // 169.254/16 link-local, cloud metadata
        172 => b[1] is >= 16 and <= 31,             // 172.16/12 private
        192 => b[1] == 168 || (b[1] == 0 && b[2] == 0), // 192.168/16 private, 192.0.0/24 protocol assignments
        >= 224 => true,                             // 224/4 multicast, 240/4 reserved, broadcast
        _ => false,
    };
}
