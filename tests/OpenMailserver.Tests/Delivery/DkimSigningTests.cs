extern alias ServerAssembly;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Delivery.Dkim;

namespace OpenMailserver.Tests.Delivery;

/// <summary>What our DKIM signature covers, checked on a message as another server received it.</summary>
public sealed class DkimSigningTests
{
    [Fact]
    public async Task Every_signed_field_is_oversigned_so_one_added_on_the_way_breaks_the_signature()
    {
        int mxA = TestPaths.FreeTcpPort(), mxB = TestPaths.FreeTcpPort();
        await using var a = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["b.test"] = mxB }), mxPort: mxA);
        await using var b = new MailServer(DeliverySettings.For("b.test"), mxPort: mxB);
        b.Started();
        var agent = await a.CreateMailboxAsync("agent", "a.test");
        var bob = await b.CreateMailboxAsync("bob", "b.test");
        var published = await a.Services.GetRequiredService<DkimKeys>().PublicRecordAsync("a.test");

        using var rest = a.Rest(agent.Key);
        var sent = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { bob.Address }, subject = "Signed", text_body = "Only from me." });
        using (var admin = a.Rest(a.AdminKey))
            await admin.WaitForStateAsync(sent.GetProperty("id").GetInt64(), "sent");

        using var reader = b.Rest(bob.Key);
        var id = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{bob.Address}/messages")).EnumerateArray()).GetProperty("id").GetString()!;
        var raw = await StoreInspector.RawMessageAsync(b.DataDirectory, id);
        MimeMessage Load() => MimeMessage.Load(new MemoryStream(raw));
        var verifier = new DkimVerifier(new PublishedDkimKey(published));

        var received = Load();
        var signature = Assert.Single(received.Headers, h => h.Id == HeaderId.DkimSignature);
        var signedFields = signature.Value.Split(';').Select(t => t.Trim()).Single(t => t.StartsWith("h=")).Replace(" ", "")[2..].Split(':');
        Assert.Equal(2, signedFields.Count(f => f.Equals("from", StringComparison.OrdinalIgnoreCase)));
        Assert.Single(received.Headers, h => h.Id == HeaderId.From);
        Assert.True(verifier.Verify(received, signature), "the signature must verify as received");

        // A second From, below or above the first, no longer verifies.
        var appended = Load();
        appended.Headers.Add(HeaderId.From, "ceo@a.test");
        Assert.False(verifier.Verify(appended, appended.Headers[appended.Headers.IndexOf(HeaderId.DkimSignature)]));
        var prepended = Load();
        prepended.Headers.Insert(prepended.Headers.IndexOf(HeaderId.From), new Header(HeaderId.From, "ceo@a.test"));
        Assert.False(verifier.Verify(prepended, prepended.Headers[prepended.Headers.IndexOf(HeaderId.DkimSignature)]));

        // The same for every signed field, present or absent: a Reply-To or a second Subject added on the way
        // does not ride on our signature either.
        Assert.Equal(2, signedFields.Count(f => f.Equals("subject", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1, signedFields.Count(f => f.Equals("reply-to", StringComparison.OrdinalIgnoreCase)));
        var replyTo = Load();
        replyTo.Headers.Add(HeaderId.ReplyTo, "ceo@evil.test");
        Assert.False(verifier.Verify(replyTo, replyTo.Headers[replyTo.Headers.IndexOf(HeaderId.DkimSignature)]));
        var subject = Load();
        subject.Headers.Insert(subject.Headers.IndexOf(HeaderId.Subject), new Header(HeaderId.Subject, "Pay now"));
        Assert.False(verifier.Verify(subject, subject.Headers[subject.Headers.IndexOf(HeaderId.DkimSignature)]));
    }
}
