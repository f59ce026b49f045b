extern alias ServerAssembly;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Dns;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Delivery;

/// <summary>The resolver against a real DNS server (dnsmasq).</summary>
public sealed class DnsResolverTests
{
    private static DnsResolver Resolver(Dnsmasq dns) =>
        new(Options.Create(new DeliveryOptions { DnsServers = [dns.Address] }));

    [Fact]
    public async Task Answers_mx_address_and_long_txt_records()
    {
        var longValue = "v=DKIM1; k=rsa; p=" + new string('A', 380) + "QIDAQAB";
        using var dns = new Dnsmasq();
        await dns.Mx("c.test", "mx2.c.test", 20).Mx("c.test", "mx1.c.test", 10).Host("mx1.c.test", "127.0.0.1")
            .Txt("oms._domainkey.c.test", longValue).StartAsync();
        var resolver = Resolver(dns);

        var mx = await resolver.LookupMxAsync("c.test");
        Assert.True(mx.DomainExists);
        Assert.Equal(["mx1.c.test", "mx2.c.test"], mx.Hosts.Select(h => h.Host));
        Assert.Equal([System.Net.IPAddress.Loopback], await resolver.LookupAddressesAsync("mx1.c.test"));
        Assert.Equal([longValue], await resolver.LookupTxtAsync("oms._domainkey.c.test"));
    }

    [Fact]
    public async Task Missing_names_are_answers_and_refusals_are_failures()
    {
        using var dns = new Dnsmasq();
        await dns.StartAsync();
        var resolver = Resolver(dns);

        Assert.False((await resolver.LookupMxAsync("nothere.test")).DomainExists);
        Assert.Empty(await resolver.LookupTxtAsync("nothere.test"));
        await Assert.ThrowsAsync<DnsLookupException>(() => resolver.LookupMxAsync("example.invalid"));
    }
}
