using System.Net;
using MailKit;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Delivery;

/// <summary>A recipient domain chooses its MX hosts, and so cannot choose hosts inside our network: mail to a
/// domain whose hosts are all at loopback, private or IPv6-embedded private addresses fails at once with
/// 5.4.4 and no connection, and a domain with dozens of hosts gets at most <c>Delivery:MaxHostsPerAttempt</c>
/// connections per attempt. Real DNS (dnsmasq) publishes the records; a scripted MX counts what reaches it.</summary>
public sealed class PrivateDestinationTests
{
    [Fact]
    public async Task Mail_to_domains_whose_hosts_are_private_is_refused_without_a_connection()
    {
        await using var mx = new ScriptedMx(ScriptedMx.Behavior.Normal);
        using var dns = new Dnsmasq();
        await dns.Mx("evil.test", "mx.evil.test", 10).Host("mx.evil.test", "127.0.0.1")
            .Mx("literal.test", "127.0.0.3", 10)
            .Mx("nat64.test", "mx.nat64.test", 10).Host("mx.nat64.test", "64:ff9b::7f00:1")
            .Host("bare.test", "10.1.2.3")
            .StartAsync();
        var settings = DeliverySettings.For("a.test", dns.Address);
        settings["OpenMailserver:Delivery:MxPort"] = mx.Port.ToString();
        settings["OpenMailserver:Delivery:AllowPrivateDestinations"] = "false";
        await using var server = new MailServer(settings);
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        foreach (var (to, refused) in new[]
                 {
                     ("victim@evil.test", "mx.evil.test[127.0.0.1]"),
                     ("victim@literal.test", "127.0.0.3[127.0.0.3]"),
                     ("victim@nat64.test", "mx.nat64.test[64:ff9b::7f00:1]"),
                     ("victim@bare.test", "bare.test[10.1.2.3]"), // no MX: the domain's own address
                 })
        {
            var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { to }, subject = "to " + to, text_body = "x" })).GetProperty("id").GetInt64();
            // The sender's own key reads this trace: it must show the refusal, not an internal host's replies.
            var trace = await rest.WaitForAsync(id, t => t.EventTypes().Contains("bounced"));
            Assert.Equal("failed", trace.GetProperty("status").GetString());
            trace.AssertInOrder("attempt", "route", "host_failed", "failed", "bounced");
            Assert.Empty(trace.Events("connecting"));
            var address = refused[(refused.IndexOf('[') + 1)..^1];
            Assert.Equal($"{refused}:{mx.Port}: refused: {address} is a private address, and mail is not delivered inside our network",
                Assert.Single(trace.Events("host_failed")).GetProperty("details").GetProperty("error").GetString());
            var failed = Assert.Single(trace.Events("failed")).GetProperty("details");
            Assert.Equal("5.4.4", failed.GetProperty("status").GetString());
            Assert.Equal($"refused: every mail host of the domain is at a private address ({refused}), and mail is not delivered inside our network",
                failed.GetProperty("reason").GetString());
        }
        Assert.Equal(0, mx.Connections);

        using var imap = await server.ImapAsAsync(agent);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(4, imap.Inbox.Count);
        var dsn = await imap.Inbox.GetMessageAsync(0);
        var group = Assert.IsType<MessageDeliveryStatus>(Assert.IsType<MultipartReport>(dsn.Body)[1]).StatusGroups[1];
        Assert.Equal("5.4.4", group["Status"]);
        Assert.Contains("is at a private address", group["Diagnostic-Code"]);
    }

    [Fact]
    public async Task A_private_host_beside_one_that_cannot_be_looked_up_defers_instead_of_failing()
    {
        // The second host has no address today; DNS may give it one tomorrow, so the refusal is not final.
        using var dns = new Dnsmasq();
        await dns.Mx("mixed.test", "inside.mixed.test", 10).Host("inside.mixed.test", "127.0.0.1")
            .Mx("mixed.test", "outside.mixed.test", 20).StartAsync();
        var settings = DeliverySettings.For("a.test", dns.Address, retries: 30, retryDelay: "01:00:00");
        settings["OpenMailserver:Delivery:AllowPrivateDestinations"] = "false";
        await using var server = new MailServer(settings);
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@mixed.test" }, subject = "mixed", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await rest.WaitForAsync(id, t => t.Events("deferred").Any());
        Assert.Equal("deferred", trace.GetProperty("status").GetString());
        Assert.Equal(["inside.mixed.test[127.0.0.1]:25: refused: 127.0.0.1 is a private address, and mail is not delivered inside our network",
                "outside.mixed.test: the host has no address"],
            trace.Events("host_failed").Select(e => e.GetProperty("details").GetProperty("error").GetString()));
        var deferred = Assert.Single(trace.Events("deferred")).GetProperty("details");
        Assert.Equal("4.4.1", deferred.GetProperty("status").GetString());
        Assert.Empty(trace.Events("connecting"));
        Assert.DoesNotContain("bounced", trace.EventTypes());
    }

    [Fact]
    public async Task Thirty_mail_hosts_with_two_addresses_each_cost_at_most_five_connections_per_attempt()
    {
        await using var mx = new ScriptedMx(ScriptedMx.Behavior.Busy, IPAddress.Loopback, IPAddress.IPv6Loopback);
        using var dns = new Dnsmasq();
        for (var i = 1; i <= 30; i++) dns.Mx("many.test", $"mx{i}.many.test", i).Host($"mx{i}.many.test", "127.0.0.1,::1");
        await dns.StartAsync();
        // Private destinations allowed (the shared test default), so the bound is the only thing in the way.
        var settings = DeliverySettings.For("a.test", dns.Address, retries: 30, retryDelay: "01:00:00");
        settings["OpenMailserver:Delivery:MxPort"] = mx.Port.ToString();
        await using var server = new MailServer(settings);
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@many.test" }, subject = "many", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await rest.WaitForAsync(id, t => t.Events("deferred").Any());
        Assert.Equal(5, trace.Events("connecting").Count());
        Assert.Equal(["127.0.0.1", "::1", "127.0.0.1", "::1", "127.0.0.1"],
            trace.Events("connecting").Select(e => e.GetProperty("details").GetProperty("address").GetString()));
        Assert.Equal(5, Assert.Single(trace.Events("route")).GetProperty("details").GetProperty("hosts").GetArrayLength());
        Assert.StartsWith("mx3.many.test[127.0.0.1]:", Assert.Single(trace.Events("deferred")).GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal(5, mx.Connections);
    }
}
