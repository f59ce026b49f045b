using System.Net;
using System.Net.Sockets;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>One mechanism, parsed: <c>name[:target][/ip4-cidr][//ip6-cidr]</c> (RFC 7208 §5).</summary>
public sealed record SpfMechanism(string Name, string Target, IPAddress? Network, int Prefix4, int Prefix6)
{
    public static SpfMechanism Parse(string text, string domain)
    {
        var colon = text.IndexOf(':');
        var slash = text.IndexOf('/');
        var nameEnd = colon >= 0 && (slash < 0 || colon < slash) ? colon : slash >= 0 ? slash : text.Length;
        var name = text[..nameEnd].ToLowerInvariant();
        var rest = text[nameEnd..];
        if (name is not ("all" or "include" or "a" or "mx" or "ptr" or "ip4" or "ip6" or "exists") || (name == "all" && rest.Length > 0))
            throw new SpfPermanentError();

        if (name is "ip4" or "ip6")
        {
            if (!rest.StartsWith(':')) throw new SpfPermanentError();
            var value = rest[1..];
            var cut = value.IndexOf('/');
            var address = cut < 0 ? value : value[..cut];
            var family = name == "ip4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            // Strict: four dotted numbers for ip4 (IPAddress.Parse would take "10" or "1.2.3").
            if (!IPAddress.TryParse(address, out var network) || network.AddressFamily != family ||
                (family == AddressFamily.InterNetwork && address.Split('.').Length != 4))
                throw new SpfPermanentError();
            var max = family == AddressFamily.InterNetwork ? 32 : 128;
            var prefix = cut < 0 ? max : Prefix(value[(cut + 1)..], max);
            return new SpfMechanism(name, "", network, prefix, prefix);
        }

        var target = domain;
        if (rest.StartsWith(':'))
        {
            var end = rest.IndexOf('/');
            target = (end < 0 ? rest[1..] : rest[1..end]).ToLowerInvariant();
            rest = end < 0 ? "" : rest[end..];
            if (!IsDomainName(target)) throw new SpfPermanentError();
        }
        var prefix4 = 32;
        var prefix6 = 128;
        var dual = rest.IndexOf("//", StringComparison.Ordinal);
        var v4 = dual < 0 ? rest : rest[..dual];
        if (v4.Length > 0) prefix4 = v4.StartsWith('/') ? Prefix(v4[1..], 32) : throw new SpfPermanentError();
        if (dual >= 0) prefix6 = Prefix(rest[(dual + 2)..], 128);
        if ((name is not ("a" or "mx") && (prefix4 != 32 || prefix6 != 128)) ||
            (name is "include" or "exists" && target == domain && !text.Contains(':')))
            throw new SpfPermanentError();
        return new SpfMechanism(name, target, null, prefix4, prefix6);
    }

    /// <summary>RFC 7208 §4.8: a target that is not a domain name is a permanent error, not a query.</summary>
    public static bool IsDomainName(string name) =>
        name.Contains('%') || (name.Length <= 253 && name.TrimEnd('.').Split('.').All(label =>
            label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')));

    private static int Prefix(string text, int max) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out var prefix) && prefix <= max ? prefix : throw new SpfPermanentError();
}
