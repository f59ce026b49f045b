using System.Net;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Dns;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>Chooses the way to a recipient domain: <c>Delivery:MxOverrides</c> first, then the relay in
/// <c>relay</c> mode, else the domain's MX records by preference, its own address when it has none
/// (RFC 5321 §5.1), and a permanent failure for a null MX (RFC 7505) or a domain that does not exist. Whether
/// the hosts DNS names may be reached is <see cref="SmtpTransfer"/>'s call, on the addresses it connects to.</summary>
public sealed class RouteResolver(DnsResolver dns, IOptions<DeliveryOptions> options)
{
    public async Task<DeliveryRoute> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.MxOverrides.TryGetValue(domain, out var target) && HostPort.TryParse(target, out var pinned))
            return new DeliveryRoute("override", [new RouteHost(pinned.Host, pinned.Port, null, SystemResolver: true)], false, false, false, null);

        if (o.Mode == "relay")
            return new DeliveryRoute("relay", [new RouteHost(o.RelayHost!, o.RelayPort, null, SystemResolver: true)],
                RequireTls: true, ImplicitTls: o.RelayTls == "implicit", o.RelayVerifyCertificate,
                string.IsNullOrEmpty(o.RelayUsername) ? null : new NetworkCredential(o.RelayUsername, o.RelayPassword));

        MxLookup mx;
        try
        {
            mx = await dns.LookupMxAsync(domain, cancellationToken);
        }
        catch (DnsLookupException e)
        {
            throw new DeliveryFailure(false, "4.4.3", e.Message);
        }
        if (!mx.DomainExists) throw new DeliveryFailure(true, "5.1.2", $"The domain {domain} does not exist (DNS NXDOMAIN).");
        if (mx.IsNullMx) throw new DeliveryFailure(true, "5.1.10", $"The domain {domain} accepts no mail (null MX, RFC 7505).");
        var port = o.MxPort;
        if (mx.Hosts.Count == 0) return new DeliveryRoute("address", [new RouteHost(domain, port, null, false)], false, false, false, null);
        // Each host costs at least one of the attempt's tries, so hosts past Delivery:MaxHostsPerAttempt are never reached.
        return new DeliveryRoute("mx", mx.Hosts.Where(h => h.Host is not ("" or ".")).Take(o.MaxHostsPerAttempt)
            .Select(h => new RouteHost(h.Host, port, h.Preference, false)).ToList(), false, false, false, null);
    }
}
