extern alias ServerAssembly;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Delivery.Dkim;

namespace OpenMailserver.Tests.Operations;

public sealed class DnsPlanTests
{
    [Fact]
    public async Task Plan_lists_every_record_for_every_domain_with_the_real_dkim_key()
    {
        await using var server = new MailServer(DeliverySettings.For("one.test"));
        var box = await server.CreateMailboxAsync("agent", "one.test");
        await server.CreateMailboxAsync("agent", "two.test");
        using var admin = server.Rest(server.AdminKey);

        var plan = await admin.GetJsonAsync("/v1/dns/plan?public_ip=203.0.113.7");
        var records = plan.GetProperty("records").EnumerateArray()
            .Select(r => (Domain: r.GetProperty("domain").GetString(), Name: r.GetProperty("name").GetString(), Type: r.GetProperty("type").GetString(), Value: r.GetProperty("value").GetString()))
            .ToList();
        Assert.Contains(("one.test", "mx.one.test.", "A", "203.0.113.7"), records);
        Assert.Contains(("one.test", "7.113.0.203.in-addr.arpa.", "PTR", "mx.one.test."), records);
        foreach (var domain in new[] { "one.test", "two.test" })
        {
            Assert.Contains((domain, $"{domain}.", "MX", "10 mx.one.test."), records);
            Assert.Contains((domain, $"{domain}.", "TXT", "v=spf1 mx -all"), records);
            var dkim = await server.Services.GetRequiredService<DkimKeys>().PublicRecordAsync(domain);
            Assert.Contains((domain, $"oms._domainkey.{domain}.", "TXT", dkim), records);
            Assert.Contains(records, r => r.Name == $"_dmarc.{domain}." && r.Value!.StartsWith("v=DMARC1; p=quarantine"));
            Assert.Contains(records, r => r.Name == $"_mta-sts.{domain}." && r.Value!.StartsWith("v=STSv1; id="));
            Assert.Contains((domain, $"_imaps._tcp.{domain}.", "SRV", $"0 1 {server.ImapTlsPort} mx.one.test."), records);
            Assert.Contains((domain, $"autoconfig.{domain}.", "CNAME", "mx.one.test."), records);
        }

        var zone = plan.GetProperty("zone").GetString()!;
        Assert.Contains("mx.one.test. 3600 IN A 203.0.113.7\n", zone);
        Assert.Contains("one.test. 3600 IN MX 10 mx.one.test.\n", zone);
        Assert.Matches("oms\\._domainkey\\.one\\.test\\. 3600 IN TXT \"v=DKIM1; k=rsa; p=[^\"]{200,}\" \"[^\"]+\"\n", zone); // split at 255
        Assert.Contains("; 7.113.0.203.in-addr.arpa. 3600 IN PTR mx.one.test.", zone);

        using var mailbox = server.Rest(box.Key);
        Assert.Equal(HttpStatusCode.Forbidden, (await mailbox.GetAsync("/v1/dns/plan")).StatusCode);
        var bad = await admin.GetAsync("/v1/dns/plan?public_ip=not-an-ip");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not an IPv4 or IPv6 address", await bad.Content.ReadAsStringAsync());
        Assert.Contains("<public IP address>", (await admin.GetJsonAsync("/v1/dns/plan")).GetProperty("zone").GetString());
    }
}
