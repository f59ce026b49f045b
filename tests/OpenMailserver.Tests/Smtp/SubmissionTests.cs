using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

/// <summary>Mail clients submit over 465 (implicit TLS) and 587 (STARTTLS) with AUTH; what they send goes
/// through the same pipeline as the API's send.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class SubmissionTests(SharedMailServer server)
{
    private static MimeMessage Message(string from, string to, string subject, string body = "sent over SMTP") => new()
    {
        From = { MailboxAddress.Parse(from) }, To = { MailboxAddress.Parse(to) }, Subject = subject, Body = new TextPart("plain") { Text = body },
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MailKit_submits_with_auth_and_the_message_is_delivered_kept_in_sent_and_listed(bool implicitTls)
    {
        var (sender, recipient) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using (var client = await server.SubmitAsAsync(sender, implicitTls))
        {
            Assert.True(client.IsSecure);
            Assert.True(client.IsAuthenticated);
            var reply = await client.SendAsync(Message(sender.Address, recipient.Address, $"via {(implicitTls ? 465 : 587)}"));
            Assert.Matches(@"^2\.0\.0 Ok: queued as [0-9A-F]{12}$", reply);
            await client.DisconnectAsync(true);
        }

        using var reader = server.Rest(recipient.Key);
        var inbox = await reader.GetJsonAsync($"/v1/mailboxes/{recipient.Address}/messages");
        var summary = Assert.Single(inbox.EnumerateArray());
        Assert.Equal($"via {(implicitTls ? 465 : 587)}", summary.GetProperty("subject").GetString());
        var body = await reader.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={recipient.Address}");
        Assert.Equal("sent over SMTP", body.GetProperty("body").GetString()!.Trim());

        using var owner = server.Rest(sender.Key);
        Assert.Single((await owner.GetJsonAsync($"/v1/mailboxes/{sender.Address}/messages?folder=Sent")).EnumerateArray());
        var outbound = Assert.Single((await owner.GetJsonAsync("/v1/outbound")).EnumerateArray());
        Assert.Equal("sent", outbound.GetProperty("state").GetString());
        Assert.Equal(sender.Address, outbound.GetProperty("sender").GetString());
        Assert.Equal(new[] { recipient.Address }, outbound.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Submission_to_another_domain_is_queued_like_an_api_send()
    {
        var sender = await server.CreateMailboxAsync();
        using (var client = await server.SubmitAsAsync(sender))
            await client.SendAsync(Message(sender.Address, "someone@elsewhere.test", "outward"));
        using var owner = server.Rest(sender.Key);
        var outbound = Assert.Single((await owner.GetJsonAsync("/v1/outbound")).EnumerateArray());
        using var admin = server.Rest(server.AdminKey);
        var trace = await admin.TraceAsync(outbound.GetProperty("id").GetInt64());
        Assert.Equal(["accepted", "queued"], trace.EventTypes().Take(2));
        Assert.Equal("someone@elsewhere.test", Assert.Single(trace.Events("queued")).GetProperty("recipient").GetString());
    }

    [Fact]
    public async Task Bcc_recipients_travel_in_the_envelope_only()
    {
        var (sender, hidden) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        var message = Message(sender.Address, sender.Address, "with bcc");
        using (var client = await server.SubmitAsAsync(sender))
            await client.SendAsync(message, MailboxAddress.Parse(sender.Address), [MailboxAddress.Parse(sender.Address), MailboxAddress.Parse(hidden.Address)]);
        using var reader = server.Rest(hidden.Key);
        Assert.Equal("with bcc", Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{hidden.Address}/messages")).EnumerateArray()).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Sending_as_another_mailbox_is_refused_in_the_envelope_and_in_every_author_field()
    {
        var (sender, victim) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using var client = await server.SubmitAsAsync(sender);

        var envelope = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(Message(victim.Address, sender.Address, "spoofed envelope"), MailboxAddress.Parse(victim.Address), [MailboxAddress.Parse(sender.Address)]));
        Assert.Equal(SmtpStatusCode.MailboxNameNotAllowed, envelope.StatusCode);
        Assert.Contains("5.7.1", envelope.Message);

        // From, Sender, Resent-From and Resent-Sender: each one names the author to a reader, so each is held
        // to the same rule, and the refusal names the field.
        foreach (var field in new[] { "From", "Sender", "Resent-From", "Resent-Sender" })
        {
            var message = Message(sender.Address, sender.Address, "spoofed " + field);
            if (field == "From") message.From.Mailboxes.First().Address = victim.Address;
            else message.Headers.Add(field, victim.Address);
            var header = await Assert.ThrowsAsync<SmtpCommandException>(() =>
                client.SendAsync(message, MailboxAddress.Parse(sender.Address), [MailboxAddress.Parse(sender.Address)]));
            Assert.Equal(SmtpStatusCode.MailboxUnavailable, header.StatusCode);
            Assert.Equal($"5.7.1 {field}: <{victim.Address}> is not {sender.Address} or one of its aliases; only your own addresses may appear there.",
                header.Message);
        }

        // An encoded-word can spell one's own address in the decoded text while receivers read the raw field,
        // where the address is the victim's.
        var disguise = $"=?us-ascii?Q?{sender.Address.Replace("=", "=3D").Replace("@", "=40").Replace(".", "=2E")}_=28?= <{victim.Address}> ( =?us-ascii?Q?=29?= )";
        var disguised = MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
            $"From: {disguise}\r\nTo: {sender.Address}\r\nSubject: disguised\r\n\r\nx\r\n")));
        var trick = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(disguised, MailboxAddress.Parse(sender.Address), [MailboxAddress.Parse(sender.Address)]));
        Assert.Equal($"5.7.1 From: <{victim.Address}> is not {sender.Address} or one of its aliases; only your own addresses may appear there.", trick.Message);

        // Bad beside good: the same fields naming the mailbox itself pass.
        var own = Message(sender.Address, sender.Address, "own fields");
        own.Sender = MailboxAddress.Parse(sender.Address);
        own.ResentFrom.Add(MailboxAddress.Parse(sender.Address));
        own.ResentSender = MailboxAddress.Parse(sender.Address);
        Assert.StartsWith("2.0.0 Ok: queued as ", await client.SendAsync(own, MailboxAddress.Parse(sender.Address), [MailboxAddress.Parse(sender.Address)]));

        using var owner = server.Rest(sender.Key);
        Assert.Equal(["own fields"], (await owner.GetJsonAsync("/v1/outbound")).EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task A_mailbox_may_submit_as_its_alias()
    {
        var sender = await server.CreateMailboxAsync();
        var alias = $"{Provisioning.UniqueLocalPart("alias")}@example.test";
        using (var admin = server.Rest(server.AdminKey))
            (await admin.PostAsync("/v1/aliases", new StringContent($"{{\"source\":\"{alias}\",\"destination\":\"{sender.Address}\"}}", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        using var client = await server.SubmitAsAsync(sender);
        await client.SendAsync(Message(alias, sender.Address, "as alias"));
        using var reader = server.Rest(sender.Key);
        Assert.Equal(alias, (await reader.GetJsonAsync("/v1/outbound"))[0].GetProperty("sender").GetString());
    }

    [Fact]
    public async Task Auth_is_not_offered_or_accepted_before_starttls()
    {
        server.Started();
        using (var client = MailServer.SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", server.SubmissionPort, SecureSocketOptions.None);
            Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));
            Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
            await Assert.ThrowsAsync<NotSupportedException>(() => client.AuthenticateAsync("a@example.test", "password"));
        }

        await using var raw = await SmtpConversation.OpenAsync(server.SubmissionPort);
        Assert.StartsWith("220 ", await raw.ReplyAsync());
        Assert.DoesNotContain("AUTH", await raw.CommandAsync("EHLO client.test"));
        Assert.Matches("^5", await raw.CommandAsync("AUTH PLAIN AGFAZXhhbXBsZS50ZXN0AHBhc3N3b3Jk"));
        Assert.Matches("^5", await raw.CommandAsync("MAIL FROM:<a@example.test>"));
    }

    [Fact]
    public async Task Wrong_password_is_535_5_7_8()
    {
        var box = await server.CreateMailboxAsync();
        server.Started();
        using var client = MailServer.SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.SubmissionTlsPort, SecureSocketOptions.SslOnConnect);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(box.Address, "not the password"));
        Assert.Contains("5.7.8", error.Message);
        await client.AuthenticateAsync(box.Address, box.Password);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task A_disabled_mailbox_cannot_log_in()
    {
        var box = await server.CreateMailboxAsync();
        using (var admin = server.Rest(server.AdminKey))
            (await admin.PostAsync($"/v1/mailboxes/{box.Address}/disable", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await Assert.ThrowsAsync<AuthenticationException>(() => server.SubmitAsAsync(box));
    }

    [Fact]
    public async Task A_message_past_the_mime_limits_is_refused_at_submission()
    {
        var sender = await server.CreateMailboxAsync();
        await using var smtp = await SmtpConversation.OpenAsync(server.SubmissionTlsPort, implicitTls: true);
        Assert.StartsWith("220", await smtp.ReplyAsync());
        await smtp.CommandAsync("EHLO client.test");
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{sender.Address}\0{sender.Password}"));
        Assert.StartsWith("235", await smtp.CommandAsync($"AUTH PLAIN {auth}"));
        Assert.StartsWith("250", await smtp.CommandAsync($"MAIL FROM:<{sender.Address}>"));
        Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{sender.Address}>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        var bomb = System.Text.Encoding.ASCII.GetString(HostileMessages.ManyParts("parts", sender.Address, 2_000)).Replace("From: bomber@sender.test", $"From: {sender.Address}");
        await smtp.SendAsync(System.Text.Encoding.ASCII.GetBytes(bomb + ".\r\n"));

        Assert.Equal("554 5.6.0 The message has more than 1000 MIME parts, 50 levels of nesting or 1000 header fields in a part", await smtp.ReplyAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("250", await smtp.CommandAsync("RSET"));
    }
}
