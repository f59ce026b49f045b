using System.Net;
using System.Net.Sockets;
using OpenMailserver.Server.Dns;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>SPF's check_host() (RFC 7208 §4): may <c>ip</c> send mail for the domain? Covers the mechanisms
/// real records use (all, include, a, mx, ip4, ip6, exists; ptr never matches, as §5.5 advises) and the
/// redirect modifier, with the limits of §4.6.4: ten DNS-querying terms, two void lookups, ten MX names.
/// Macros are not expanded: a term using one does not match.</summary>
public sealed class SpfEvaluator(DnsResolver dns)
{
    private const int MaxLookups = 10;
    private const int MaxVoidLookups = 2;
    private const int MaxMxNames = 10;

    public async Task<string> CheckAsync(IPAddress ip, string domain, CancellationToken cancellationToken)
    {
        var evaluation = new Evaluation(dns, ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, cancellationToken);
        try
        {
            return await evaluation.CheckHostAsync(domain.TrimEnd('.').ToLowerInvariant(), depth: 0);
        }
        catch (DnsLookupException)
        {
            return SpfResult.TempError;
        }
        catch (PermanentError)
        {
            return SpfResult.PermError;
        }
    }

    /// <summary>A record broke a rule of RFC 7208; the whole check is permerror.</summary>
    private sealed class PermanentError : Exception;

    private sealed class Evaluation(DnsResolver dns, IPAddress ip, CancellationToken ct)
    {
        private int _lookups;
        private int _voidLookups;

        public async Task<string> CheckHostAsync(string domain, int depth)
        {
            var records = (await dns.LookupTxtAsync(domain, ct))
                .Where(t => t.Equals("v=spf1", StringComparison.OrdinalIgnoreCase) || t.StartsWith("v=spf1 ", StringComparison.OrdinalIgnoreCase)).ToList();
            if (records.Count == 0) return SpfResult.None;
            if (records.Count > 1) throw new PermanentError();

            var terms = records[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            var redirects = terms.Where(t => t.StartsWith("redirect=", StringComparison.OrdinalIgnoreCase)).ToList();
            if (redirects.Count > 1) throw new PermanentError();
            foreach (var term in terms)
            {
                var equals = term.IndexOf('=');
                var colon = term.IndexOf(':');
                if (equals > 0 && (colon < 0 || equals < colon)) continue; // modifiers: redirect (below), exp and unknown ones
                var qualifier = term[0] is '+' or '-' or '~' or '?' ? term[0] : '+';
                var mechanism = Mechanism.Parse(qualifier == term[0] ? term[1..] : term, domain);
                if (await MatchesAsync(mechanism, depth))
                    return qualifier switch { '-' => SpfResult.Fail, '~' => SpfResult.SoftFail, '?' => SpfResult.Neutral, _ => SpfResult.Pass };
            }
            if (redirects.Count == 0) return SpfResult.Neutral;
            var target = redirects[0][9..];
            if (target.Contains('%') || !Mechanism.IsDomainName(target)) throw new PermanentError();
            CountLookup();
            var redirected = await CheckHostAsync(target.ToLowerInvariant(), depth + 1);
            return redirected == SpfResult.None ? throw new PermanentError() : redirected;
        }

        private async Task<bool> MatchesAsync(Mechanism m, int depth)
        {
            if (m.Target.Contains('%')) return false;
            switch (m.Name)
            {
                case "all":
                    return true;
                case "ip4" or "ip6":
                    return m.Network is { } network && SameNetwork(network, m.Name == "ip4" ? m.Prefix4 : m.Prefix6);
                case "include":
                    CountLookup();
                    if (depth >= MaxLookups) throw new PermanentError();
                    return await CheckHostAsync(m.Target, depth + 1) switch
                    {
                        SpfResult.Pass => true,
                        SpfResult.TempError => throw new DnsLookupException($"SPF include:{m.Target} got no answer"),
                        SpfResult.PermError or SpfResult.None => throw new PermanentError(),
                        _ => false,
                    };
                case "a":
                    CountLookup();
                    return await AnyAddressMatchesAsync([m.Target], m);
                case "mx":
                {
                    CountLookup();
                    var hosts = (await dns.LookupMxAsync(m.Target, ct)).Hosts;
                    if (hosts.Count > MaxMxNames) throw new PermanentError();
                    if (hosts.Count == 0) CountVoid();
                    return await AnyAddressMatchesAsync(hosts.Select(h => h.Host).ToList(), m);
                }
                case "exists":
                    CountLookup();
                    var exists = await dns.LookupAddressesAsync(m.Target, AddressFamily.InterNetwork, ct);
                    if (exists.Count == 0) CountVoid();
                    return exists.Count > 0;
                case "ptr":
                    CountLookup();
                    return false;
                default:
                    throw new PermanentError();
            }
        }

        /// <summary>Only the client's address family is asked for (RFC 7208 §5.3).</summary>
        private async Task<bool> AnyAddressMatchesAsync(IReadOnlyList<string> hosts, Mechanism m)
        {
            var prefix = ip.AddressFamily == AddressFamily.InterNetwork ? m.Prefix4 : m.Prefix6;
            foreach (var host in hosts)
            {
                var addresses = await dns.LookupAddressesAsync(host, ip.AddressFamily, ct);
                if (addresses.Count == 0 && hosts.Count == 1) CountVoid();
                if (addresses.Any(a => SameNetwork(a, prefix))) return true;
            }
            return false;
        }

        private bool SameNetwork(IPAddress network, int prefix)
        {
            if (ip.AddressFamily != network.AddressFamily) return false;
            var a = ip.GetAddressBytes();
            var b = network.GetAddressBytes();
            for (var bit = 0; bit < prefix; bit++)
            {
                var mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
            }
            return true;
        }

        private void CountLookup()
        {
            if (++_lookups > MaxLookups) throw new PermanentError();
        }

        private void CountVoid()
        {
            if (++_voidLookups > MaxVoidLookups) throw new PermanentError();
        }
    }

    /// <summary>One mechanism, parsed: <c>name[:target][/ip4-cidr][//ip6-cidr]</c> (RFC 7208 §5).</summary>
    private sealed record Mechanism(string Name, string Target, IPAddress? Network, int Prefix4, int Prefix6)
    {
        public static Mechanism Parse(string text, string domain)
        {
            var colon = text.IndexOf(':');
            var slash = text.IndexOf('/');
            var nameEnd = colon >= 0 && (slash < 0 || colon < slash) ? colon : slash >= 0 ? slash : text.Length;
            var name = text[..nameEnd].ToLowerInvariant();
            var rest = text[nameEnd..];

            if (name is "ip4" or "ip6")
            {
                if (!rest.StartsWith(':')) throw new PermanentError();
                var value = rest[1..];
                var cut = value.IndexOf('/');
                var address = cut < 0 ? value : value[..cut];
                var family = name == "ip4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                // Strict: four dotted numbers for ip4 (IPAddress.Parse would take "10" or "1.2.3").
                if (!IPAddress.TryParse(address, out var network) || network.AddressFamily != family ||
                    (family == AddressFamily.InterNetwork && address.Split('.').Length != 4))
                    throw new PermanentError();
                var max = family == AddressFamily.InterNetwork ? 32 : 128;
                var prefix = cut < 0 ? max : Prefix(value[(cut + 1)..], max);
                return new Mechanism(name, "", network, prefix, prefix);
            }

            var target = domain;
            if (rest.StartsWith(':'))
            {
                var end = rest.IndexOf('/');
                target = (end < 0 ? rest[1..] : rest[1..end]).ToLowerInvariant();
                rest = end < 0 ? "" : rest[end..];
                if (!IsDomainName(target)) throw new PermanentError();
            }
            var prefix4 = 32;
            var prefix6 = 128;
            var dual = rest.IndexOf("//", StringComparison.Ordinal);
            var v4 = dual < 0 ? rest : rest[..dual];
            if (v4.Length > 0) prefix4 = v4.StartsWith('/') ? Prefix(v4[1..], 32) : throw new PermanentError();
            if (dual >= 0) prefix6 = Prefix(rest[(dual + 2)..], 128);
            if ((name is not ("a" or "mx") && (prefix4 != 32 || prefix6 != 128)) ||
                (name is "include" or "exists" && target == domain && !text.Contains(':')))
                throw new PermanentError();
            return new Mechanism(name, target, null, prefix4, prefix6);
        }

        /// <summary>RFC 7208 §4.8: a target that is not a domain name is a permanent error, not a query.</summary>
        public static bool IsDomainName(string name) =>
            name.Contains('%') || (name.Length <= 253 && name.TrimEnd('.').Split('.').All(label =>
                label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')));

        private static int Prefix(string text, int max) =>
            int.TryParse(text, System.Globalization.NumberStyles.None, null, out var prefix) && prefix <= max ? prefix : throw new PermanentError();
    }
}
