using System.Net;
using System.Net.Sockets;
using OpenMailserver.Server.Dns;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>SPF's check_host() (RFC 7208 §4): may <paramref name="ip"/> send mail for the domain? Covers the
/// mechanisms real records use (all, include, a, mx, ip4, ip6, exists; ptr never matches, as §5.5 advises)
/// and the redirect modifier, with the limit of ten DNS-querying terms. Macros are not expanded: a term
/// using one does not match.</summary>
public sealed class SpfEvaluator(DnsResolver dns)
{
    private const int MaxLookups = 10;

    public async Task<string> CheckAsync(IPAddress ip, string domain, CancellationToken cancellationToken)
    {
        var lookups = 0;
        try
        {
            return await CheckHostAsync(ip, domain.TrimEnd('.').ToLowerInvariant(), () => ++lookups <= MaxLookups, 0, cancellationToken);
        }
        catch (DnsLookupException)
        {
            return SpfResult.TempError;
        }
    }

    private async Task<string> CheckHostAsync(IPAddress ip, string domain, Func<bool> countLookup, int depth, CancellationToken ct)
    {
        if (depth > MaxLookups) return SpfResult.PermError;
        var records = (await dns.LookupTxtAsync(domain, ct))
            .Where(t => t.Equals("v=spf1", StringComparison.OrdinalIgnoreCase) || t.StartsWith("v=spf1 ", StringComparison.OrdinalIgnoreCase)).ToList();
        if (records.Count == 0) return SpfResult.None;
        if (records.Count > 1) return SpfResult.PermError;

        string? redirect = null;
        foreach (var term in records[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            if (term.StartsWith("redirect=", StringComparison.OrdinalIgnoreCase))
            {
                redirect = term[9..];
                continue;
            }
            if (term.Contains('=')) continue; // exp= and unknown modifiers
            var qualifier = term[0] is '+' or '-' or '~' or '?' ? term[0] : '+';
            var mechanism = qualifier == term[0] ? term[1..] : term;
            var match = await MatchesAsync(ip, domain, mechanism, countLookup, depth, ct);
            if (match is SpfResult.TempError or SpfResult.PermError) return match;
            if (match == SpfResult.Pass)
                return qualifier switch { '-' => SpfResult.Fail, '~' => SpfResult.SoftFail, '?' => SpfResult.Neutral, _ => SpfResult.Pass };
        }
        if (redirect is null) return SpfResult.Neutral;
        if (!countLookup() || redirect.Contains('%')) return SpfResult.PermError;
        var redirected = await CheckHostAsync(ip, redirect.ToLowerInvariant(), countLookup, depth + 1, ct);
        return redirected == SpfResult.None ? SpfResult.PermError : redirected;
    }

    /// <returns><see cref="SpfResult.Pass"/> for a match, <see cref="SpfResult.None"/> for none, or an error.</returns>
    private async Task<string> MatchesAsync(IPAddress ip, string domain, string mechanism, Func<bool> countLookup, int depth, CancellationToken ct)
    {
        var (name, argument) = Split(mechanism);
        if (argument?.Contains('%') == true) return SpfResult.None;
        switch (name)
        {
            case "all":
                return SpfResult.Pass;
            case "ip4" or "ip6":
                return argument is not null && InNetwork(ip, argument) ? SpfResult.Pass : SpfResult.None;
            case "include":
                if (!countLookup() || argument is null) return SpfResult.PermError;
                var included = await CheckHostAsync(ip, argument.ToLowerInvariant(), countLookup, depth + 1, ct);
                return included switch
                {
                    SpfResult.Pass => SpfResult.Pass,
                    SpfResult.TempError => SpfResult.TempError,
                    SpfResult.PermError or SpfResult.None => SpfResult.PermError,
                    _ => SpfResult.None,
                };
            case "a" or "mx":
            {
                if (!countLookup()) return SpfResult.PermError;
                var (target, prefix4, prefix6) = Cidr(argument, domain);
                var hosts = name == "a" ? [target] : (await dns.LookupMxAsync(target, ct)).Hosts.Select(h => h.Host).Take(10).ToList();
                foreach (var host in hosts)
                foreach (var address in await dns.LookupAddressesAsync(host, ct))
                    if (SameNetwork(ip, address, ip.AddressFamily == AddressFamily.InterNetwork ? prefix4 : prefix6)) return SpfResult.Pass;
                return SpfResult.None;
            }
            case "exists":
                if (!countLookup() || argument is null) return SpfResult.PermError;
                return (await dns.LookupAddressesAsync(argument, ct)).Any(a => a.AddressFamily == AddressFamily.InterNetwork) ? SpfResult.Pass : SpfResult.None;
            case "ptr":
                return countLookup() ? SpfResult.None : SpfResult.PermError;
            default:
                return SpfResult.PermError;
        }
    }

    private static (string Name, string? Argument) Split(string mechanism)
    {
        var separator = mechanism.IndexOfAny([':', '/']);
        if (separator < 0) return (mechanism.ToLowerInvariant(), null);
        var name = mechanism[..separator].ToLowerInvariant();
        return mechanism[separator] == ':' ? (name, mechanism[(separator + 1)..]) : (name, mechanism[separator..]);
    }

    /// <summary>"example.com/24//64", "/24" or null → the domain to look up and the two prefix lengths.</summary>
    private static (string Target, int Prefix4, int Prefix6) Cidr(string? argument, string domain)
    {
        if (argument is null) return (domain, 32, 128);
        var parts = argument.Split('/');
        var target = parts[0].Length == 0 ? domain : parts[0].ToLowerInvariant();
        var prefix4 = parts.Length > 1 && int.TryParse(parts[1], out var p4) ? p4 : 32;
        var prefix6 = parts.Length > 3 && int.TryParse(parts[3], out var p6) ? p6 : 128;
        return (target, prefix4, prefix6);
    }

    private static bool InNetwork(IPAddress ip, string network)
    {
        var slash = network.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? network : network[..slash], out var address)) return false;
        var prefix = slash < 0 ? (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) : int.TryParse(network[(slash + 1)..], out var p) ? p : -1;
        return prefix >= 0 && SameNetwork(ip, address, prefix);
    }

    private static bool SameNetwork(IPAddress ip, IPAddress network, int prefix)
    {
        if (ip.AddressFamily != network.AddressFamily) return false;
        var a = ip.GetAddressBytes();
        var b = network.GetAddressBytes();
        if (prefix < 0 || prefix > a.Length * 8) return false;
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
        }
        return true;
    }
}
