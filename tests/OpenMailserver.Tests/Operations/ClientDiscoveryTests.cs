using System.Net;
using System.Xml.Linq;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Operations;

/// <summary>What mail clients and sending servers fetch over HTTP: Thunderbird's autoconfig and the MTA-STS policy.</summary>
public sealed class ClientDiscoveryTests
{
    [Fact]
    public async Task Autoconfig_describes_the_servers_for_a_hosted_domain()
    {
        await using var server = new MailServer(DeliverySettings.For("one.test"));
        await server.CreateMailboxAsync("agent", "one.test");
        await server.CreateMailboxAsync("agent", "other.test");
        using var http = server.Rest();

        var response = await http.GetAsync("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=agent@one.test");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var provider = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("emailProvider")!;
        Assert.Equal("one.test", provider.Attribute("id")!.Value);
        var servers = provider.Elements().Where(e => e.Name.LocalName is "incomingServer" or "outgoingServer")
            .Select(e => (Kind: e.Attribute("type")!.Value, Host: e.Element("hostname")!.Value, Port: int.Parse(e.Element("port")!.Value),
                Socket: e.Element("socketType")!.Value, User: e.Element("username")!.Value)).ToList();
        Assert.Equal(
            [("imap", "mx.one.test", server.ImapTlsPort, "SSL", "%EMAILADDRESS%"), ("imap", "mx.one.test", server.ImapPort, "STARTTLS", "%EMAILADDRESS%"),
             ("smtp", "mx.one.test", server.SubmissionTlsPort, "SSL", "%EMAILADDRESS%"), ("smtp", "mx.one.test", server.SubmissionPort, "STARTTLS", "%EMAILADDRESS%")],
            servers);

        // autoconfig.<domain> answers for that domain.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mail/config-v1.1.xml");
        request.Headers.Host = "autoconfig.other.test";
        var byHost = XDocument.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Equal("other.test", byHost.Root!.Element("emailProvider")!.Attribute("id")!.Value);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/mail/config-v1.1.xml?emailaddress=someone@not-hosted.test")).StatusCode);
    }

    [Fact]
    public async Task Mta_sts_policy_names_the_mx_and_only_tests_with_a_self_signed_certificate()
    {
        await using var server = new MailServer(DeliverySettings.For("one.test"));
        using var http = server.Rest();
        var response = await http.GetAsync("/.well-known/mta-sts.txt");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("version: STSv1\r\nmode: testing\r\nmx: mx.one.test\r\nmax_age: 604800\r\n", await response.Content.ReadAsStringAsync());
    }
}
