using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Operations;

/// <summary>The deliverability report against a real DNS server (dnsmasq) serving a zone built from the
/// server's own DNS plan for one domain, and a wrong zone for another.</summary>
public sealed class DeliverabilityReportTests
{
    [Fact]
    public async Task Published_plan_passes_and_every_missing_or_wrong_record_is_named()
    {
        using var dns = new Dnsmasq();
        var mxPort = TestPaths.FreeTcpPort();
        var settings = DeliverySettings.For("good.test", dns.Address);
        settings["OpenMailserver:Delivery:Port25ProbeDomain"] = "probe.test";
        settings["OpenMailserver:Delivery:MxPort"] = mxPort.ToString(); // the probe reaches our own MX
        await using var server = new MailServer(settings, mxPort: mxPort);
        await server.CreateMailboxAsync("agent", "good.test");
        await server.CreateMailboxAsync("agent", "bad.test");
        using var admin = server.Rest(server.AdminKey);

        // Publish the plan for good.test as an operator would; bad.test gets stale and missing records.
        var plan = await admin.GetJsonAsync("/v1/dns/plan?public_ip=127.0.0.1");
        foreach (var record in plan.GetProperty("records").EnumerateArray().Where(r => r.GetProperty("domain").GetString() == "good.test"))
        {
            var name = record.GetProperty("name").GetString()!.TrimEnd('.');
            var value = record.GetProperty("value").GetString()!;
            switch (record.GetProperty("type").GetString())
            {
                case "A": dns.Host(name, value); break; // dnsmasq answers the PTR from it too
                case "MX": dns.Mx(name, value.Split(' ')[1].TrimEnd('.'), int.Parse(value.Split(' ')[0])); break;
                case "TXT": dns.Txt(name, value); break;
                case "CNAME": dns.Cname(name, value.TrimEnd('.')); break;
                case "SRV":
                    var parts = value.Split(' ');
                    dns.Srv(name, parts[3].TrimEnd('.'), int.Parse(parts[2]), int.Parse(parts[0]), int.Parse(parts[1]));
                    break;
            }
        }
        dns.Mx("bad.test", "mx.elsewhere.test", 10).Txt("bad.test", "v=spf1 ip4:192.0.2.1 -all")
            .Txt("oms._domainkey.bad.test", "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAstale")
            .Mx("probe.test", "mx.probe.test", 10).Host("mx.probe.test", "127.0.0.1");
        await dns.StartAsync();

        var report = await admin.GetJsonAsync("/v1/debug/deliverability/report");
        var checks = report.GetProperty("details").GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => (Status: c.GetProperty("status").GetString(), Details: c.GetProperty("details").GetString()!));

        foreach (var name in new[] { "address of mx.good.test", "reverse dns 127.0.0.1", "mx good.test", "spf good.test", "dkim good.test", "dmarc good.test",
                     "mta-sts good.test", "tls-rpt good.test", "relay safety", "outbound port 25" })
            Assert.True(checks[name].Status == "pass", $"{name}: {checks[name]}");

        Assert.Equal("fail", checks["mx bad.test"].Status);
        Assert.Contains("points to mx.elsewhere.test", checks["mx bad.test"].Details);
        Assert.Equal("fail", checks["spf bad.test"].Status);
        Assert.Contains("gives fail for this server's address 127.0.0.1", checks["spf bad.test"].Details);
        Assert.Equal("fail", checks["dkim bad.test"].Status);
        Assert.Contains("different key", checks["dkim bad.test"].Details);
        Assert.Equal("fail", checks["dmarc bad.test"].Status);
        Assert.Contains("publish _dmarc.bad.test.", checks["dmarc bad.test"].Details);
        Assert.Equal("warn", checks["mta-sts bad.test"].Status);

        Assert.Equal("warn", checks["tls certificate"].Status); // the generated certificate
        Assert.Contains("self-signed", checks["tls certificate"].Details);
        Assert.Contains("refuses to relay: 5", checks["relay safety"].Details);
        Assert.Equal("error", report.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Array, report.GetProperty("details").GetProperty("dns_plan").ValueKind);
    }
}
