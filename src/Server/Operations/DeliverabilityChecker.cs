using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery.Dkim;
using OpenMailserver.Server.Dns;
using OpenMailserver.Server.MailAuthentication;
using OpenMailserver.Server.Net;

namespace OpenMailserver.Server.Operations;

/// <summary>The deliverability report: what DNS really publishes (real lookups through
/// <c>Delivery:DnsServers</c>) against the <see cref="DnsPlanner"/>'s plan, the reverse DNS of the mail host,
/// the TLS certificate, relay safety (our own MX must refuse to relay) and whether port 25 is reachable.
/// Each check says what to fix.</summary>
public sealed class DeliverabilityChecker(
    DnsPlanner planner, DnsResolver dns, SpfEvaluator spf, DkimKeys dkim, TlsCertificateProvider certificates,
    IOptions<ServerOptions> server, IOptions<SmtpOptions> smtp, IOptions<DeliveryOptions> delivery, TimeProvider time)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    public async Task<(IReadOnlyList<HealthCheckResult> Checks, IReadOnlyList<PlannedRecord> Plan)> RunAsync(CancellationToken cancellationToken)
    {
        var host = server.Value.Hostname;
        var plan = await planner.PlanAsync(null);
        var checks = new List<HealthCheckResult>();

        var addresses = await Guard($"address of {host}", checks, () => dns.LookupAddressesAsync(host, cancellationToken));
        if (addresses is not null)
        {
            checks.Add(addresses.Count > 0
                ? new($"address of {host}", HealthCheckResult.Pass, string.Join(", ", addresses))
                : new($"address of {host}", HealthCheckResult.Fail, $"{host} has no A or AAAA record: publish {host}. A <your public IP>."));
            foreach (var address in addresses) checks.Add(await ReverseAsync(address, host, cancellationToken));
        }

        foreach (var domain in plan.Select(r => r.Domain).Distinct().Where(d => plan.Any(r => r.Domain == d && r.Type == "MX")))
        {
            checks.Add(await MxAsync(domain, host, cancellationToken));
            checks.Add(await SpfAsync(domain, host, addresses ?? [], cancellationToken));
            checks.Add(await DkimAsync(domain, cancellationToken));
            checks.Add(await TxtAsync($"dmarc {domain}", $"_dmarc.{domain}", "v=DMARC1", HealthCheckResult.Fail,
                $"publish _dmarc.{domain}. TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@{domain}\" (large receivers require DMARC)", cancellationToken));
            checks.Add(await TxtAsync($"mta-sts {domain}", $"_mta-sts.{domain}", "v=STSv1", HealthCheckResult.Warn,
                $"publish _mta-sts.{domain}. TXT \"v=STSv1; id={DnsPlanner.PolicyId(host)}\" and mta-sts.{domain}. CNAME {host}. so senders insist on TLS", cancellationToken));
            checks.Add(await TxtAsync($"tls-rpt {domain}", $"_smtp._tls.{domain}", "v=TLSRPTv1", HealthCheckResult.Warn,
                $"publish _smtp._tls.{domain}. TXT \"v=TLSRPTv1; rua=mailto:postmaster@{domain}\" to hear about TLS failures", cancellationToken));
        }

        checks.Add(Certificate(host));
        checks.Add(await RelaySafetyAsync(cancellationToken));
        checks.Add(await Port25Async(cancellationToken));
        return (checks, plan);
    }

    private async Task<HealthCheckResult> MxAsync(string domain, string host, CancellationToken ct)
    {
        var mx = await Guard($"mx {domain}", null, () => dns.LookupMxAsync(domain, ct));
        if (mx is null) return Unanswered($"mx {domain}");
        if (mx.Hosts.Any(h => h.Host.Equals(host, StringComparison.OrdinalIgnoreCase)))
            return new($"mx {domain}", HealthCheckResult.Pass, $"MX {string.Join(", ", mx.Hosts.Select(h => $"{h.Preference} {h.Host}"))}");
        return new($"mx {domain}", HealthCheckResult.Fail, mx.Hosts.Count == 0
            ? $"{domain} has no MX record: publish {domain}. MX 10 {host}."
            : $"{domain}'s MX points to {string.Join(", ", mx.Hosts.Select(h => h.Host))}, not to this server ({host}): publish {domain}. MX 10 {host}.");
    }

    private async Task<HealthCheckResult> SpfAsync(string domain, string host, IReadOnlyList<IPAddress> hostAddresses, CancellationToken ct)
    {
        var name = $"spf {domain}";
        var records = await Guard(name, null, () => dns.LookupTxtAsync(domain, ct));
        if (records is null) return Unanswered(name);
        var spfRecords = records.Where(r => r.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase)).ToList();
        if (spfRecords.Count == 0) return new(name, HealthCheckResult.Fail, $"{domain} publishes no SPF record: publish {domain}. TXT \"v=spf1 mx -all\".");
        if (hostAddresses.Count == 0) return new(name, HealthCheckResult.Warn, $"{spfRecords[0]} — cannot be checked until {host} has an address.");
        foreach (var address in hostAddresses)
        {
            var result = await spf.CheckAsync(address, domain, ct);
            if (result != SpfResult.Pass)
                return new(name, HealthCheckResult.Fail,
                    $"\"{spfRecords[0]}\" gives {result} for this server's address {address}: publish {domain}. TXT \"v=spf1 mx -all\" (or add ip4:{address}).");
        }
        return new(name, HealthCheckResult.Pass, spfRecords[0]);
    }

    private async Task<HealthCheckResult> DkimAsync(string domain, CancellationToken ct)
    {
        var name = $"dkim {domain}";
        var at = $"{dkim.Selector}._domainkey.{domain}";
        var records = await Guard(name, null, () => dns.LookupTxtAsync(at, ct));
        if (records is null) return Unanswered(name);
        var expected = await dkim.PublicRecordAsync(domain);
        var published = records.FirstOrDefault(r => r.Contains("p=", StringComparison.Ordinal));
        if (published is null) return new(name, HealthCheckResult.Fail, $"no DKIM key at {at}: publish {at}. TXT \"{expected}\" (GET /v1/dns/plan has it).");
        return KeyOf(published) == KeyOf(expected)
            ? new(name, HealthCheckResult.Pass, $"{at} holds this server's key")
            : new(name, HealthCheckResult.Fail, $"{at} holds a different key than this server signs with: replace it with the value in GET /v1/dns/plan.");
    }

    private static string KeyOf(string record) =>
        record.Split(';').Select(t => t.Trim()).FirstOrDefault(t => t.StartsWith("p=", StringComparison.Ordinal))?[2..].Replace(" ", "") ?? "";

    private async Task<HealthCheckResult> TxtAsync(string name, string at, string prefix, string missingStatus, string fix, CancellationToken ct)
    {
        var records = await Guard(name, null, () => dns.LookupTxtAsync(at, ct));
        if (records is null) return Unanswered(name);
        var found = records.FirstOrDefault(r => r.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        return found is not null ? new(name, HealthCheckResult.Pass, found) : new(name, missingStatus, fix);
    }

    private async Task<HealthCheckResult> ReverseAsync(IPAddress address, string host, CancellationToken ct)
    {
        var name = $"reverse dns {address}";
        var names = await Guard(name, null, () => dns.LookupPtrAsync(address, ct));
        if (names is null) return Unanswered(name);
        if (names.Contains(host, StringComparer.OrdinalIgnoreCase)) return new(name, HealthCheckResult.Pass, $"{address} → {host}");
        return new(name, HealthCheckResult.Fail, names.Count == 0
            ? $"{address} has no PTR record: ask the provider of the address to set it to {host}."
            : $"{address} points back to {string.Join(", ", names)}, not {host}: ask the provider of the address to set it to {host}.");
    }

    private HealthCheckResult Certificate(string host)
    {
        const string name = "tls certificate";
        var certificate = certificates.Current;
        var now = time.GetUtcNow().UtcDateTime;
        if (certificate.NotAfter < now) return new(name, HealthCheckResult.Fail, $"the certificate expired on {certificate.NotAfter:yyyy-MM-dd}: renew it.");
        if (!certificate.MatchesHostname(host)) return new(name, HealthCheckResult.Fail, $"the certificate is for {certificate.GetNameInfo(X509NameType.DnsName, false)}, not {host}.");
        var days = (int)(certificate.NotAfter - now).TotalDays;
        if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            return new(name, HealthCheckResult.Warn, $"self-signed, valid {days} more days: mail clients will warn; set Tls:CertificatePath and Tls:KeyPath to a certificate from a public CA.");
        return days < 14
            ? new(name, HealthCheckResult.Warn, $"expires in {days} days: renew it.")
            : new(name, HealthCheckResult.Pass, $"matches {host}, valid {days} more days");
    }

    /// <summary>Asks our own MX, as a stranger, to relay to a domain we do not host: it must refuse.</summary>
    private async Task<HealthCheckResult> RelaySafetyAsync(CancellationToken ct)
    {
        const string name = "relay safety";
        var port = smtp.Value.Port;
        if (port == 0) return new(name, HealthCheckResult.Pass, "the MX listener is off");
        var address = IPAddress.Parse(server.Value.BindAddress);
        if (address.Equals(IPAddress.Any)) address = IPAddress.Loopback;
        else if (address.Equals(IPAddress.IPv6Any)) address = IPAddress.IPv6Loopback;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            using var client = new TcpClient(address.AddressFamily);
            await client.ConnectAsync(address, port, timeout.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
            var stream = client.GetStream();
            async Task<string> ReplyAsync()
            {
                string? line;
                do line = await reader.ReadLineAsync(timeout.Token); while (line is { Length: > 3 } && line[3] == '-');
                return line ?? "";
            }
            async Task<string> CommandAsync(string command)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeout.Token);
                return await ReplyAsync();
            }
            await ReplyAsync();
            await CommandAsync("EHLO relay-probe.invalid");
            await CommandAsync("MAIL FROM:<probe@relay-probe.invalid>");
            var rcpt = await CommandAsync("RCPT TO:<probe@relay-target.invalid>");
            await CommandAsync("QUIT");
            return rcpt.StartsWith('5')
                ? new(name, HealthCheckResult.Pass, $"the MX refuses to relay: {rcpt}")
                : new(name, HealthCheckResult.Fail, $"the MX answered \"{rcpt}\" to a stranger's recipient elsewhere: it must refuse (open relay).");
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return new(name, HealthCheckResult.Warn, $"could not talk to the MX on port {port}: {e.Message}");
        }
    }

    private async Task<HealthCheckResult> Port25Async(CancellationToken ct)
    {
        const string name = "outbound port 25";
        var o = delivery.Value;
        if (o.Mode == "relay") return new(name, HealthCheckResult.Pass, $"not needed: mail leaves through the relay {o.RelayHost}:{o.RelayPort}");
        try
        {
            var mx = await dns.LookupMxAsync(o.Port25ProbeDomain, ct);
            var target = mx.Hosts.FirstOrDefault()?.Host ?? o.Port25ProbeDomain;
            var address = (await dns.LookupAddressesAsync(target, ct)).FirstOrDefault()
                          ?? throw new DnsLookupException($"{target} has no address");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            using var client = new TcpClient(address.AddressFamily);
            await client.ConnectAsync(address, o.MxPort, timeout.Token);
            return new(name, HealthCheckResult.Pass, $"connected to {target} [{address}]:{o.MxPort}");
        }
        catch (Exception e) when (e is SocketException or DnsLookupException or OperationCanceledException)
        {
            return new(name, HealthCheckResult.Warn,
                $"could not reach the MX of {o.Port25ProbeDomain} on port {o.MxPort} ({e.Message}): if your provider blocks outbound port 25, use Delivery:Mode=relay.");
        }
    }

    private static HealthCheckResult Unanswered(string name) =>
        new(name, HealthCheckResult.Warn, "DNS gave no answer (see Delivery:DnsServers); try again later.");

    /// <summary>A lookup, or null when DNS gave no answer.</summary>
    private static async Task<T?> Guard<T>(string name, List<HealthCheckResult>? checks, Func<Task<T>> lookup) where T : class
    {
        try
        {
            return await lookup();
        }
        catch (DnsLookupException)
        {
            checks?.Add(Unanswered(name));
            return null;
        }
    }
}
