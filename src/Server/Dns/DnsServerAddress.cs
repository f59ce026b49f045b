using System.Net;

namespace OpenMailserver.Server.Dns;

/// <summary>A resolver as written in <c>Delivery:DnsServers</c>: <c>ip</c>, <c>ip:port</c> or <c>[ipv6]:port</c>.</summary>
public static class DnsServerAddress
{
    public static bool TryParse(string? text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (IPAddress.TryParse(text, out var bare))
        {
            endpoint = new IPEndPoint(bare, 53);
            return true;
        }
        if (!IPEndPoint.TryParse(text, out var parsed) || parsed.Port == 0) return false;
        endpoint = parsed;
        return true;
    }
}
