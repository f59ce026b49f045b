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
        catch (SpfPermanentError)
        {
            return SpfResult.PermError;
        }
    }

    private sealed class Evaluation(DnsResolver dns, IPAddress ip, CancellationToken ct)
    {
        private int _lookups;
        private int _voidLookups;

        public async Task<string> CheckHostAsync(string domain, int depth)
        {
            var records = (await dns.LookupTxtAsync(domain, ct))
                .Where(t => t.Equals("v=spf1", StringComparison.OrdinalIgnoreCase) || t.StartsWith("v=spf1 ", StringComparison.OrdinalIgnoreCase)).ToList();
            if (records.Count == 0) return SpfResult.None;
            if (records.Count > 1) throw new SpfPermanentError();

            var record = SpfRecord.Parse(records[0], domain);
            foreach (var (qualifier, mechanism) in record.Mechanisms)
            {
                if (await MatchesAsync(mechanism, depth))
                    return qualifier switch { '-' => SpfResult.Fail, '~' => SpfResult.SoftFail, '?' => SpfResult.Neutral, _ => SpfResult.Pass };
            }
            if (record.Redirect is not { } target) return SpfResult.Neutral;
            CountLookup();
            var redirected = await CheckHostAsync(target.ToLowerInvariant(), depth + 1);
            return redirected == SpfResult.None ? throw new SpfPermanentError() : redirected;
        }

        private async Task<bool> MatchesAsync(SpfMechanism m, int depth)
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
                    if (depth >= MaxLookups) throw new SpfPermanentError();
                    return await CheckHostAsync(m.Target, depth + 1) switch
                    {
                        SpfResult.Pass => true,
                        SpfResult.TempError => throw new DnsLookupException($"SPF include:{m.Target} got no answer"),
                        SpfResult.PermError or SpfResult.None => throw new SpfPermanentError(),
                        _ => false,
                    };
                case "a":
                    CountLookup();
                    return await AnyAddressMatchesAsync([m.Target], m);
                case "mx":
                {
                    CountLookup();
                    var hosts = (await dns.LookupMxAsync(m.Target, ct)).Hosts;
                    if (hosts.Count > MaxMxNames) throw new SpfPermanentError();
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
                    throw new SpfPermanentError();
            }
        }

        /// <summary>Only the client's address family is asked for (RFC 7208 §5.3).</summary>
        private async Task<bool> AnyAddressMatchesAsync(IReadOnlyList<string> hosts, SpfMechanism m)
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
            if (++_lookups > MaxLookups) throw new SpfPermanentError();
        }

        private void CountVoid()
        {
            if (++_voidLookups > MaxVoidLookups) throw new SpfPermanentError();
        }
    }
}
