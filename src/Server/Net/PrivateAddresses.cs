using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace OpenMailserver.Server.Net;

/// <summary>Addresses that are not on the public internet: the server's own host, its networks, and ranges
/// no public host can hold. Anything the server connects to on someone else's say (an MX record, a webhook
/// URL) must not be one of these, or that someone reaches inside our network through us. IPv6 forms that
/// carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) are judged by that IPv4
/// address, since a NAT64 gateway or tunnel relay delivers them to it.</summary>
public static class PrivateAddresses
{
    /// <summary>IPv4 ranges as (network, prefix length).</summary>
    private static readonly (uint Network, int Prefix)[] V4 =
    [
        (0x00000000, 8),  // 0.0.0.0/8 "this network", including the unspecified address
        (0x0A000000, 8),  // 10.0.0.0/8 private (RFC 1918)
        (0x64400000, 10), // 100.64.0.0/10 carrier-grade NAT (RFC 6598)
        (0x7F000000, 8),  // 127.0.0.0/8 loopback
        (0xA9FE0000, 16), // 169.254.0.0/16 link-local
        (0xAC100000, 12), // 172.16.0.0/12 private
        (0xC0000000, 24), // 192.0.0.0/24 IETF protocol assignments
        (0xC0000200, 24), // 192.0.2.0/24 documentation
        (0xC0586300, 24), // 192.88.99.0/24 former 6to4 relay anycast
        (0xC0A80000, 16), // 192.168.0.0/16 private
        (0xC6120000, 15), // 198.18.0.0/15 benchmarking
        (0xC6336400, 24), // 198.51.100.0/24 documentation
        (0xCB007100, 24), // 203.0.113.0/24 documentation
        (0xE0000000, 4),  // 224.0.0.0/4 multicast
        (0xF0000000, 4),  // 240.0.0.0/4 reserved, including the broadcast address
    ];

    /// <summary>True for an address no public host holds, or one that reaches such an address.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return IsPrivateV4(BinaryPrimitives.ReadUInt32BigEndian(v4));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        return IsPrivateV6(b);
    }

    private static bool IsPrivateV4(uint value)
    {
        foreach (var (network, prefix) in V4)
            if ((value & (uint.MaxValue << (32 - prefix))) == network) return true;
        return false;
    }

    private static bool IsPrivateV6(ReadOnlySpan<byte> b)
    {
        var high = BinaryPrimitives.ReadUInt64BigEndian(b);
        var low = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);
        var embedded = BinaryPrimitives.ReadUInt32BigEndian(b[12..]);

        // ::/96 holds the unspecified address, loopback (::1) and the IPv4-compatible form ::a.b.c.d; the
        // first two fall in 0.0.0.0/8 when read as IPv4.
        if (high == 0 && low >> 32 == 0) return IsPrivateV4(embedded);
        // ::ffff:a.b.c.d, IPv4-mapped, and ::ffff:0:a.b.c.d, IPv4-translated (RFC 2765).
        if (high == 0 && low >> 32 is 0x0000FFFF or 0xFFFF0000) return IsPrivateV4(embedded);
        // 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052).
        if (high == 0x0064FF9B00000000 && low >> 32 == 0) return IsPrivateV4(embedded);
        // 64:ff9b:1::/48, NAT64 prefixes for local use (RFC 8215): whatever they translate to is internal.
        if (high >> 16 == 0x0064FF9B0001) return true;
        // 2002::/16, 6to4: the IPv4 address of the tunnel end follows the prefix.
        if (high >> 48 == 0x2002) return IsPrivateV4(BinaryPrimitives.ReadUInt32BigEndian(b[2..]));
        // 2001::/32, Teredo: the server's IPv4 address follows the prefix, the client's is the last 32 bits,
        // inverted; either inside is reason enough.
        if (high >> 32 == 0x20010000) return IsPrivateV4(~embedded) || IsPrivateV4((uint)high);
        // 2001:db8::/32, documentation.
        if (high >> 32 == 0x20010DB8) return true;
        // 100::/64, discard-only (RFC 6666).
        if (high == 0x0100000000000000) return true;
        return (b[0] & 0xFE) == 0xFC                  // fc00::/7 unique local
               || (b[0] == 0xFE && (b[1] & 0xC0) is 0x80 or 0xC0) // fe80::/10 link-local, fec0::/10 former site-local
               || b[0] == 0xFF;                       // ff00::/8 multicast
    }
}
