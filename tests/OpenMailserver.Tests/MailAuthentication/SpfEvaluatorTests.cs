extern alias ServerAssembly;
using System.Net;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Dns;
using ServerAssembly::OpenMailserver.Server.MailAuthentication;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.MailAuthentication;

/// <summary>RFC 7208 check_host() against records served by a real DNS server.</summary>
public sealed class SpfEvaluatorTests : IAsyncLifetime
{
    private readonly Dnsmasq _dns = new();
    private SpfEvaluator _spf = null!;

    public async Task InitializeAsync()
    {
        await _dns
            .Txt("a.test", "v=spf1 ip4:127.0.0.1 -all")
            .Txt("soft.test", "v=spf1 ~all")
            .Txt("include.test", "v=spf1 include:a.test -all")
            .Txt("redirect.test", "v=spf1 redirect=a.test")
            .Txt("amx.test", "v=spf1 a/24 mx -all").Host("amx.test", "192.0.2.10").Mx("amx.test", "mx.amx.test", 10).Host("mx.amx.test", "198.51.100.7")
            .Txt("v6.test", "v=spf1 ip6:2001:db8::/32 -all")
            .Txt("twice.test", "v=spf1 -all").Txt("twice.test", "v=spf1 +all")
            .Txt("loop.test", "v=spf1 include:loop.test -all")
            .Txt("other.test", "some unrelated text")
            .Txt("dual.test", "v=spf1 a:host.dual.test/24//64 -all").Host("host.dual.test", "192.0.2.1").Host("host.dual.test", "2001:db8:1::1")
            .Txt("badcidr.test", "v=spf1 ip4:192.0.2.1/33 -all")
            .Txt("wrongfamily.test", "v=spf1 ip4:2001:db8::/32 -all")
            .Txt("shortip.test", "v=spf1 ip4:10 -all")
            .Txt("voids.test", "v=spf1 a:n1.voids.test a:n2.voids.test a:n3.voids.test -all")
            .Txt("badname.test", "v=spf1 include:bad..name.test -all")
            .Txt("unknown.test", "v=spf1 foo:bar -all")
            .Txt("tworedirects.test", "v=spf1 redirect=a.test redirect=soft.test")
            .StartAsync();
        _spf = new SpfEvaluator(new DnsResolver(Options.Create(new DeliveryOptions { DnsServers = [_dns.Address] })));
    }

    public Task DisposeAsync()
    {
        _dns.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("127.0.0.1", "a.test", "pass")]
    [InlineData("10.1.2.3", "a.test", "fail")]
    [InlineData("10.1.2.3", "soft.test", "softfail")]
    [InlineData("127.0.0.1", "include.test", "pass")]
    [InlineData("10.1.2.3", "include.test", "fail")]
    [InlineData("127.0.0.1", "redirect.test", "pass")]
    [InlineData("10.1.2.3", "redirect.test", "fail")]
    [InlineData("192.0.2.99", "amx.test", "pass")]
    [InlineData("198.51.100.7", "amx.test", "pass")]
    [InlineData("198.51.100.8", "amx.test", "fail")]
    [InlineData("2001:db8::25", "v6.test", "pass")]
    [InlineData("2001:db9::25", "v6.test", "fail")]
    [InlineData("127.0.0.1", "nothere.test", "none")]
    [InlineData("127.0.0.1", "other.test", "none")]
    [InlineData("127.0.0.1", "twice.test", "permerror")]
    [InlineData("127.0.0.1", "loop.test", "permerror")]
    [InlineData("127.0.0.1", "refused.example", "temperror")]
    [InlineData("192.0.2.200", "dual.test", "pass")]
    [InlineData("2001:db8:1::ffff", "dual.test", "pass")]
    [InlineData("2001:db8:2::1", "dual.test", "fail")]
    [InlineData("192.0.2.1", "badcidr.test", "permerror")]
    [InlineData("127.0.0.1", "wrongfamily.test", "permerror")]
    [InlineData("127.0.0.1", "shortip.test", "permerror")]
    [InlineData("127.0.0.1", "voids.test", "permerror")]
    [InlineData("127.0.0.1", "badname.test", "permerror")]
    [InlineData("127.0.0.1", "unknown.test", "permerror")]
    [InlineData("127.0.0.1", "tworedirects.test", "permerror")]
    public async Task Evaluates_the_published_policy(string ip, string domain, string expected) =>
        Assert.Equal(expected, await _spf.CheckAsync(IPAddress.Parse(ip), domain, CancellationToken.None));
}
