extern alias ServerAssembly;
using MailKit;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Delivery.Dkim;

namespace OpenMailserver.Tests.Delivery;

/// <summary>Two Open Mailservers on loopback, a.test and b.test, each the other's MX by override, with a
/// real DNS server (dnsmasq) publishing their SPF and DKIM records.</summary>
public sealed class ServerToServerTests
{
    [Fact]
    public async Task Two_servers_exchange_signed_mail_both_ways()
    {
        using var dns = new Dnsmasq();
        int mxA = TestPaths.FreeTcpPort(), mxB = TestPaths.FreeTcpPort();
        await using var a = new MailServer(DeliverySettings.For("a.test", dns.Address, new Dictionary<string, int> { ["b.test"] = mxB }), mxPort: mxA);
        await using var b = new MailServer(DeliverySettings.For("b.test", dns.Address, new Dictionary<string, int> { ["a.test"] = mxA }), mxPort: mxB);
        var agent = await a.CreateMailboxAsync("agent", "a.test");
        var bob = await b.CreateMailboxAsync("bob", "b.test");

        var keyA = await a.Services.GetRequiredService<DkimKeys>().PublicRecordAsync("a.test");
        var keyB = await b.Services.GetRequiredService<DkimKeys>().PublicRecordAsync("b.test");
        await dns.Txt("oms._domainkey.a.test", keyA).Txt("oms._domainkey.b.test", keyB)
            .Txt("a.test", "v=spf1 ip4:127.0.0.1 -all").Txt("b.test", "v=spf1 ip4:127.0.0.0/8 -all").StartAsync();

        // A → B, sent over REST.
        using var agentRest = a.Rest(agent.Key);
        var sent = await agentRest.SendAsync(new { sender = agent.Address, recipients = new[] { bob.Address }, subject = "Hello B", text_body = "From A with love." });
        var id = sent.GetProperty("id").GetInt64();
        using var adminA = a.Rest(a.AdminKey);
        var trace = await adminA.WaitForStateAsync(id, "sent");
        trace.AssertInOrder("accepted", "queued", "attempt", "route", "dkim_signed", "connecting", "connected", "rcpt", "data", "delivered");
        var data = Assert.Single(trace.Events("data"));
        Assert.StartsWith("250", data.GetProperty("details").GetProperty("reply").GetString());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("details").GetProperty("remote_queue_id").GetString()));
        Assert.True(Assert.Single(trace.Events("connected")).GetProperty("details").GetProperty("tls").GetBoolean(), "B offers STARTTLS; A must use it");

        // Read on B over REST and over IMAP.
        using var bobRest = b.Rest(bob.Key);
        var summary = Assert.Single((await bobRest.GetJsonAsync($"/v1/mailboxes/{bob.Address}/messages")).EnumerateArray());
        Assert.Equal("Hello B", summary.GetProperty("subject").GetString());
        using (var imap = await b.ImapAsAsync(bob))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var received = await imap.Inbox.GetMessageAsync(0);
            Assert.Equal("From A with love.", received.TextBody?.Trim());
            AssertAuthenticated(received, "mx.b.test", "a.test", keyA);
        }

        // B → A: the reply.
        var reply = await bobRest.SendAsync(new { sender = bob.Address, recipients = new[] { agent.Address }, subject = "Re: Hello B", text_body = "Got it." });
        using var adminB = b.Rest(b.AdminKey);
        await adminB.WaitForStateAsync(reply.GetProperty("id").GetInt64(), "sent");
        using (var imap = await a.ImapAsAsync(agent))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var received = await imap.Inbox.GetMessageAsync(0);
            Assert.Equal("Re: Hello B", received.Subject);
            AssertAuthenticated(received, "mx.a.test", "b.test", keyB);
        }
    }

    /// <summary>The signature verifies against the published key, and the receiving MX said so.</summary>
    private static void AssertAuthenticated(MimeMessage message, string receiver, string signer, string publishedRecord)
    {
        var signature = Assert.Single(message.Headers, h => h.Id == HeaderId.DkimSignature);
        Assert.Contains($"d={signer}", signature.Value);
        Assert.Contains("s=oms", signature.Value);
        Assert.Contains("c=relaxed/relaxed", signature.Value);
        Assert.True(new DkimVerifier(new PublishedDkimKey(publishedRecord)).Verify(message, signature), "the DKIM signature must verify");

        var results = AuthenticationResults.Parse(System.Text.Encoding.ASCII.GetBytes(message.Headers[HeaderId.AuthenticationResults] ?? ""));
        Assert.Equal(receiver, results.AuthenticationServiceIdentifier);
        var dkim = Assert.Single(results.Results, r => r.Method == "dkim");
        Assert.Equal("pass", dkim.Result);
        Assert.Contains(dkim.Properties, p => p.PropertyType == "header" && p.Property == "d" && p.Value == signer);
        Assert.Equal("pass", Assert.Single(results.Results, r => r.Method == "spf").Result);
    }
}
