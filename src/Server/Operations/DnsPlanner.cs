using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery.Dkim;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Operations;

/// <summary>The DNS records that make the hosted domains work: the mail host's address and PTR, and per
/// domain MX, SPF, DKIM (from the real key), DMARC, MTA-STS, TLS-RPT, autoconfig and the RFC 6186 SRV
/// records for the ports that are open. The deliverability report checks what is published against it.</summary>
public sealed class DnsPlanner(IMailboxRepository mailboxes, DkimKeys dkim, IOptions<ServerOptions> server, IOptions<SmtpOptions> smtp, IOptions<ImapOptions> imap)
{
    public const string AddressPlaceholder = "<public IP address>";

    public async Task<IReadOnlyList<PlannedRecord>> PlanAsync(IPAddress? publicIp)
    {
        var o = server.Value;
        var host = o.Hostname;
        var domains = (await mailboxes.ListDomainsAsync()).ToList();
        if (domains.Count == 0) domains.Add(o.Domain);

        var records = new List<PlannedRecord>();
        var primary = o.Domain;
        var addressType = publicIp?.AddressFamily == AddressFamily.InterNetworkV6 ? "AAAA" : "A";
        records.Add(new(primary, Fqdn(host), addressType, publicIp?.ToString() ?? AddressPlaceholder, "the mail host's address", true));
        records.Add(new(primary, publicIp is null ? "<reverse name of the public IP>" : Fqdn(ReverseName(publicIp)), "PTR", Fqdn(host),
            "reverse DNS: set at the provider of the address; receivers distrust mail from an address without it", true));

        foreach (var domain in domains)
        {
            records.Add(new(domain, Fqdn(domain), "MX", $"10 {Fqdn(host)}", "where mail for the domain goes", true));
            records.Add(new(domain, Fqdn(domain), "TXT", "v=spf1 mx -all", "SPF: only the MX host sends the domain's mail", true));
            records.Add(new(domain, Fqdn($"{dkim.Selector}._domainkey.{domain}"), "TXT", await dkim.PublicRecordAsync(domain),
                "DKIM: the key that signs the domain's mail", true));
            records.Add(new(domain, Fqdn($"_dmarc.{domain}"), "TXT", $"v=DMARC1; p=quarantine; rua=mailto:postmaster@{domain}",
                "DMARC: what receivers do with mail that fails SPF and DKIM", true));
            records.Add(new(domain, Fqdn($"mta-sts.{domain}"), "CNAME", Fqdn(host), "MTA-STS: the policy host", false));
            records.Add(new(domain, Fqdn($"_mta-sts.{domain}"), "TXT", $"v=STSv1; id={PolicyId(host)}", "MTA-STS: senders must use TLS", false));
            records.Add(new(domain, Fqdn($"_smtp._tls.{domain}"), "TXT", $"v=TLSRPTv1; rua=mailto:postmaster@{domain}", "TLS-RPT: where TLS failure reports go", false));
            records.Add(new(domain, Fqdn($"autoconfig.{domain}"), "CNAME", Fqdn(host), "Thunderbird autoconfiguration", false));
            foreach (var (service, port) in new[] { ("_submissions", smtp.Value.SubmissionTlsPort), ("_submission", smtp.Value.SubmissionPort), ("_imaps", imap.Value.TlsPort), ("_imap", imap.Value.Port) })
                if (port > 0)
                    records.Add(new(domain, Fqdn($"{service}._tcp.{domain}"), "SRV", $"0 1 {port} {Fqdn(host)}", "mail client discovery (RFC 6186)", false));
        }
        return records;
    }

    /// <summary>The records as zone-file lines; TXT values longer than 255 characters become several strings.</summary>
    public static string Zone(IEnumerable<PlannedRecord> records)
    {
        var zone = new StringBuilder();
        foreach (var r in records)
        {
            if (r.Type == "PTR")
            {
                zone.Append("; ").Append(r.Name).Append(" 3600 IN PTR ").Append(r.Value).Append("   (at the provider of the address)\n");
                continue;
            }
            var value = r.Type == "TXT" ? string.Join(" ", r.Value.Chunk(255).Select(c => $"\"{new string(c)}\"")) : r.Value;
            zone.Append(r.Name).Append(" 3600 IN ").Append(r.Type).Append(' ').Append(value).Append('\n');
        }
        return zone.ToString();
    }

    public static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return string.Join('.', bytes.Reverse()) + ".in-addr.arpa";
        var nibbles = bytes.SelectMany(b => new[] { b >> 4, b & 0xF }).Reverse().Select(n => n.ToString("x"));
        return string.Join('.', nibbles) + ".ip6.arpa";
    }

    /// <summary>The MTA-STS policy id changes when the policy (which names the MX host) changes.</summary>
    public static string PolicyId(string host) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(host)))[..16].ToLowerInvariant();

    private static string Fqdn(string name) => name.TrimEnd('.') + ".";
}
