using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Hosting;

namespace OpenMailserver.Server.Webhooks;

/// <summary>Where webhooks may point: http(s) URLs whose host resolves only to public addresses, unless the
/// operator allows internal ones (<c>Webhooks:AllowPrivateTargets</c>). Checked when a webhook is created and
/// again for the address each delivery actually connects to, so DNS that changes later cannot turn a webhook
/// into a probe of the server's own network.</summary>
public sealed class WebhookTargetPolicy(IOptions<OpenMailserverOptions> options)
{
    public async Task<Uri> ValidateAsync(string? url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host) || url!.Length > 2000)
            throw new MailServerException(ErrorKind.InvalidArgument, $"url: '{EmailAddress.Shorten(url)}' is not an absolute http:// or https:// URL.");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new MailServerException(ErrorKind.InvalidArgument, "url must not carry a user name or password; authenticate the request by its signature.");
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await System.Net.Dns.GetHostAddressesAsync(uri.DnsSafeHost, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new MailServerException(ErrorKind.InvalidArgument, $"url: the host {uri.Host} does not resolve ({e.SocketErrorCode}).");
        }
        foreach (var address in addresses) EnsureAllowed(address, uri.Host);
        return uri;
    }

    /// <summary>Throws for an address a webhook may not reach.</summary>
    public void EnsureAllowed(IPAddress address, string host)
    {
        if (options.Value.Webhooks.AllowPrivateTargets || IsPublic(address)) return;
        throw new MailServerException(ErrorKind.InvalidArgument,
            $"url: {host} is {address}, an internal address; webhooks reach only public addresses unless Webhooks:AllowPrivateTargets is set.");
    }

    /// <summary>Whether a webhook may connect to <paramref name="address"/>. The one classification of
    /// non-public addresses here: an IPv6 address that carries an IPv4 address (mapped, compatible, NAT64,
    /// 6to4, Teredo) is judged by that IPv4 address too, since that is what the connection reaches.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var embedded = EmbeddedIPv4(address);
            if (embedded.Count > 0) return embedded.All(IsPublicIPv4);
            if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any)) return false;
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                     || (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) // 100::/64, discard
                     || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)); // 2001:db8::/32, documentation
        }
        return IsPublicIPv4(address);
    }

    /// <summary>The IPv4 addresses an IPv6 address stands for: IPv4-mapped <c>::ffff:a.b.c.d</c>, IPv4-compatible
    /// <c>::a.b.c.d</c>, NAT64 <c>64:ff9b::/96</c> and <c>64:ff9b:1::/48</c>, 6to4 <c>2002:AABB:CCDD::/48</c>,
    /// and Teredo <c>2001:0::/32</c> (its server, and its client: the last 32 bits inverted).</summary>
    public static IReadOnlyList<IPAddress> EmbeddedIPv4(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (b.Length != 16) return [];
        bool Zero(int from, int count) => b.AsSpan(from, count).IndexOfAnyExcept((byte)0) < 0;
        IPAddress At(int offset, bool inverted = false) => new(inverted
            ? [(byte)~b[offset], (byte)~b[offset + 1], (byte)~b[offset + 2], (byte)~b[offset + 3]]
            : b.AsSpan(offset, 4).ToArray());

        if (Zero(0, 10) && b[10] == 0xff && b[11] == 0xff) return [At(12)];
        if (Zero(0, 12)) return [At(12)]; // IPv4-compatible, including :: and ::1, which land on 0.0.0.0/8
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && (Zero(4, 8) || (b[4] == 0x00 && b[5] == 0x01))) return [At(12)];
        if (b[0] == 0x20 && b[1] == 0x02) return [At(2)];
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return [At(4), At(12, inverted: true)];
        return [];
    }

    private static bool IsPublicIPv4(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return !(b[0] is 0 or 10 or 127 or >= 224
                 || (b[0] == 100 && b[1] >= 64 && b[1] < 128) // carrier-grade NAT
                 || (b[0] == 169 && b[1] == 254)
                 || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                 || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                 || (b[0] == 198 && b[1] is 18 or 19)
                 || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                 || (b[0] == 203 && b[1] == 0 && b[2] == 113));
    }
}
