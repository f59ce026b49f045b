using System.Security.Cryptography;
using System.Text;
using MailKit.Security;
using MimeKit;
using MimeKit.Cryptography;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.MailAuthentication;

/// <summary>The MX checks DKIM and SPF of what it receives and records the outcome in its own
/// Authentication-Results header, without refusing mail for it; headers forged in our name are dropped.</summary>
public sealed class InboundAuthenticationTests : IAsyncLifetime
{
    private readonly Dnsmasq _dns = new();
    private readonly RSA _signingKey = RSA.Create(2048);
    private MailServer _server = null!;
    private TestMailbox _box = null!;

    public async Task InitializeAsync()
    {
        await _dns.Txt("sel._domainkey.signer.test", "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(_signingKey.ExportSubjectPublicKeyInfo()))
            .Txt("signer.test", "v=spf1 ip4:127.0.0.1 -all")
            .Txt("spoof.test", "v=spf1 ip4:192.0.2.1 -all")
            .StartAsync();
        _server = new MailServer(DeliverySettings.For("x.test", _dns.Address));
        _box = await _server.CreateMailboxAsync("inbox", "x.test");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dns.Dispose();
        _signingKey.Dispose();
    }

    [Fact]
    public async Task A_valid_signature_and_an_authorised_ip_pass()
    {
        var results = await ReceiveAsync(Signed("alice@signer.test"), "alice@signer.test");
        Assert.Matches(@"^Authentication-Results: mx\.x\.test;\r\n\tdkim=pass header\.d=signer\.test header\.s=sel header\.b=\S{8};\r\n\tspf=pass smtp\.mailfrom=alice@signer\.test\r\n$", results);
    }

    [Fact]
    public async Task A_body_changed_after_signing_fails_dkim_but_is_still_delivered()
    {
        var message = Signed("alice@signer.test");
        ((TextPart)message.Body!).Text = "Something else entirely.";
        var results = await ReceiveAsync(message, "alice@signer.test");
        Assert.Contains("dkim=fail header.d=signer.test", results);
    }

    [Fact]
    public async Task A_sender_outside_its_spf_policy_fails_spf_but_is_still_delivered()
    {
        var message = new MimeMessage(new[] { MailboxAddress.Parse("mallory@spoof.test") }, new[] { MailboxAddress.Parse("inbox@x.test") }, "hi", new TextPart("plain") { Text = "x" });
        var results = await ReceiveAsync(message, "mallory@spoof.test");
        Assert.Contains("dkim=none;", results);
        Assert.Contains("spf=fail smtp.mailfrom=mallory@spoof.test", results);
    }

    [Fact]
    public async Task Results_forged_in_our_name_are_removed_and_others_kept()
    {
        var message = new MimeMessage(new[] { MailboxAddress.Parse("mallory@spoof.test") }, new[] { MailboxAddress.Parse("inbox@x.test") }, "trust me", new TextPart("plain") { Text = "x" });
        message.Headers.Add("Authentication-Results", "mx.x.test; dkim=pass header.d=bank.test; spf=pass");
        message.Headers.Add("Authentication-Results", "relay.elsewhere.test; spf=pass smtp.mailfrom=mallory@spoof.test");
        await ReceiveAsync(message, "mallory@spoof.test");
        var raw = await LastRawAsync();
        Assert.Single(raw.Split("\r\n"), l => l.StartsWith("Authentication-Results: mx.x.test;"));
        Assert.DoesNotContain("bank.test", raw);
        Assert.Matches(@"Authentication-Results: relay\.elsewhere\.test;\s+spf=pass smtp\.mailfrom=mallory@spoof\.test", raw);
    }

    private MimeMessage Signed(string from)
    {
        var message = new MimeMessage(new[] { MailboxAddress.Parse(from) }, new[] { MailboxAddress.Parse("inbox@x.test") }, "Signed", new TextPart("plain") { Text = "Signed body." });
        using var pem = new MemoryStream(Encoding.ASCII.GetBytes(_signingKey.ExportRSAPrivateKeyPem()));
        var signer = new DkimSigner(pem, "signer.test", "sel")
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject]);
        return message;
    }

    /// <returns>Our Authentication-Results field of the stored message.</returns>
    private async Task<string> ReceiveAsync(MimeMessage message, string envelopeFrom)
    {
        using (var client = MailServer.SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", _server.Started().MxPort, SecureSocketOptions.StartTls);
            await client.SendAsync(message, MailboxAddress.Parse(envelopeFrom), [MailboxAddress.Parse(_box.Address)]);
            await client.DisconnectAsync(true);
        }
        var raw = await LastRawAsync();
        var start = raw.IndexOf("Authentication-Results: mx.x.test;", StringComparison.Ordinal);
        Assert.True(start >= 0, raw);
        var end = raw.IndexOf("\r\nReceived:", start, StringComparison.Ordinal);
        return raw[start..(end + 2)];
    }

    private async Task<string> LastRawAsync()
    {
        using var reader = _server.Rest(_box.Key);
        var id = (await reader.GetJsonAsync($"/v1/mailboxes/{_box.Address}/messages"))[0].GetProperty("id").GetString()!;
        return Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory, id));
    }
}
