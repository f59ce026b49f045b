using System.Net;

namespace OpenMailserver.Server.Net;

/// <summary>Counts the connections each client address holds in one listener pool and refuses one beyond
/// the limit, so a single client cannot take every slot. IPv6 clients are counted by their /64: one host is
/// usually given the whole prefix, and could otherwise come back from a new address each time.</summary>
public sealed class ConnectionsPerAddress(int limit)
{
    private readonly Dictionary<IPAddress, int> _counts = [];

    /// <summary>Counts one more connection from <paramref name="address"/>, unless it already holds the limit.
    /// A connection without an IP address (none on our listeners) is not counted.</summary>
    public bool TryAdd(IPAddress? address)
    {
        if (address is null) return true;
        var key = Key(address);
        lock (_counts)
        {
            var held = _counts.GetValueOrDefault(key);
            if (held >= limit) return false;
            _counts[key] = held + 1;
            return true;
        }
    }

    public void Remove(IPAddress? address)
    {
        if (address is null) return;
        var key = Key(address);
        lock (_counts)
        {
            if (!_counts.TryGetValue(key, out var held)) return;
            if (held <= 1) _counts.Remove(key);
            else _counts[key] = held - 1;
        }
    }

    public static IPAddress Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
