using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Dns;

/// <summary>Every DNS question the server asks (MX for delivery, addresses of mail hosts, TXT for SPF and
/// DKIM) goes through here, to <c>Delivery:DnsServers</c> or the system's resolvers. A missing name is an
/// answer (empty); an unanswered question is a <see cref="DnsLookupException"/>, which callers treat as
/// temporary.</summary>
public sealed class DnsResolver
{
    private readonly LookupClient _client;

    public DnsResolver(IOptions<DeliveryOptions> options)
    {
        var servers = options.Value.DnsServers
            .Select(s => DnsServerAddress.TryParse(s, out var endpoint) ? endpoint : null)
            .OfType<IPEndPoint>().ToArray();
        var lookup = servers.Length > 0 ? new LookupClientOptions(servers) : new LookupClientOptions();
        lookup.UseCache = true;
        // Two tries of three seconds per server: a dead resolver must not hold an SMTP reply for long.
        lookup.Timeout = TimeSpan.FromSeconds(3);
        lookup.Retries = 1;
        lookup.ThrowDnsErrors = false;
        lookup.UseTcpFallback = true;
        _client = new LookupClient(lookup);
    }

    public async Task<MxLookup> LookupMxAsync(string domain, CancellationToken cancellationToken = default)
    {
        var response = await QueryAsync(domain, QueryType.MX, cancellationToken);
        if (response is null) return new MxLookup(false, []);
        var hosts = response.Answers.MxRecords()
            .Select(mx => new MxHost(mx.Exchange.Value.TrimEnd('.').ToLowerInvariant(), mx.Preference))
            .OrderBy(mx => mx.Preference).ToList();
        return new MxLookup(true, hosts);
    }

    /// <summary>IPv4 addresses first, then IPv6: many hosts have IPv6 routes that do not work. One family
    /// failing to answer is no failure when the other did.</summary>
    public async Task<IReadOnlyList<IPAddress>> LookupAddressesAsync(string host, CancellationToken cancellationToken = default)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        DnsLookupException? failure = null;
        var found = new List<IPAddress>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            try
            {
                found.AddRange(await LookupAddressesAsync(host, family, cancellationToken));
            }
            catch (DnsLookupException e)
            {
                failure = e;
            }
        }
        return found.Count == 0 && failure is not null ? throw failure : found;
    }

    /// <summary>The A (IPv4) or AAAA (IPv6) records of <paramref name="host"/>.</summary>
    public async Task<IReadOnlyList<IPAddress>> LookupAddressesAsync(string host, AddressFamily family, CancellationToken cancellationToken = default)
    {
        if (family == AddressFamily.InterNetwork)
            return (await QueryAsync(host, QueryType.A, cancellationToken))?.Answers.ARecords().Select(a => a.Address).ToList() ?? [];
        return (await QueryAsync(host, QueryType.AAAA, cancellationToken))?.Answers.AaaaRecords().Select(a => a.Address).ToList() ?? [];
    }

    /// <summary>The names an address points back to (PTR records).</summary>
    public async Task<IReadOnlyList<string>> LookupPtrAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        var response = await QueryAsync(address.GetArpaName(), QueryType.PTR, cancellationToken);
        return response?.Answers.PtrRecords().Select(p => p.PtrDomainName.Value.TrimEnd('.').ToLowerInvariant()).ToList() ?? [];
    }

    /// <summary>Each TXT record as one string (its character-strings joined, RFC 7208 §3.3).</summary>
    public async Task<IReadOnlyList<string>> LookupTxtAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await QueryAsync(name, QueryType.TXT, cancellationToken);
        return response?.Answers.TxtRecords().Select(t => string.Concat(t.Text)).ToList() ?? [];
    }

    /// <returns>The response, or null when the name does not exist (NXDOMAIN).</returns>
    private async Task<IDnsQueryResponse?> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException e)
        {
            throw new DnsLookupException($"DNS lookup of {type} {name} failed: {e.Message}", e);
        }
        catch (ArgumentException)
        {
            return null; // not a name DNS can hold (empty label, label over 63 or name over 255 octets)
        }
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain) return null;
        if (response.HasError) throw new DnsLookupException($"DNS lookup of {type} {name} failed: {response.ErrorMessage}");
        return response;
    }
}
