using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

/// <summary>The MX listener: mail for hosted addresses is accepted and stored; nothing is ever relayed.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class InboundTests(SharedMailServer server)
{
    [Fact]
    public async Task Mail_from_another_server_lands_in_the_inbox_with_trace_headers()
    {
        var box = await server.CreateMailboxAsync();
        server.Started();
        using (var client = MailServer.SmtpClient())
        {
            client.LocalDomain = "mx.sender.test";
            await client.ConnectAsync("127.0.0.1", server.MxPort, SecureSocketOptions.StartTls);
            var message = new MimeMessage
            {
                From = { MailboxAddress.Parse("Alice <alice@sender.test>") }, To = { MailboxAddress.Parse(box.Address) }, Subject = "Über the wire",
                Body = new TextPart("plain") { Text = "from outside" },
            };
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        using var reader = server.Rest(box.Key);
        var summary = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        Assert.Equal("Über the wire", summary.GetProperty("subject").GetString());
        Assert.Equal("\"Alice\" <alice@sender.test>", summary.GetProperty("from").GetString());
        var raw = Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(server.DataDirectory, summary.GetProperty("id").GetString()!));
        Assert.StartsWith("Return-Path: <alice@sender.test>\r\n" +
                          "Authentication-Results: mail.localhost;\r\n\tdkim=none;\r\n\tspf=none smtp.mailfrom=alice@sender.test\r\n" +
                          "Received: from mx.sender.test ([127.0.0.1])\r\n\tby mail.localhost (Open Mailserver) with ESMTPS id ", raw);
        Assert.Contains($"for <{box.Address}>;", raw);
        Assert.EndsWith("from outside\r\n", raw);
    }

    [Fact]
    public async Task Null_sender_is_accepted_for_bounces()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO bounce.test");
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<>"));
        Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync("Subject: Delivery Status Notification\r\n\r\nbounced\r\n."));
        using var reader = server.Rest(box.Key);
        var raw = Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(server.DataDirectory,
            (await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0].GetProperty("id").GetString()!));
        Assert.StartsWith("Return-Path: <>\r\n", raw);
    }

    [Fact]
    public async Task Unknown_user_at_a_hosted_domain_is_550_5_1_1()
    {
        server.Started();
        await server.CreateMailboxAsync();
        using var client = MailServer.SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.MxPort, SecureSocketOptions.None);
        var message = new MimeMessage { From = { MailboxAddress.Parse("a@sender.test") }, To = { MailboxAddress.Parse("nobody-here@example.test") }, Subject = "x", Body = new TextPart("plain") { Text = "x" } };
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
        Assert.Equal(SmtpStatusCode.MailboxUnavailable, error.StatusCode);
        Assert.Contains("5.1.1", error.Message);
    }

    /// <summary>Every classic trick to get a relay out of an MX: each RCPT must be refused, and nothing is
    /// queued for delivery.</summary>
    [Theory]
    [InlineData("victim@elsewhere.test")]
    [InlineData("VICTIM@ELSEWHERE.TEST")]
    [InlineData("victim@elsewhere.test.")]
    [InlineData("victim%elsewhere.test@example.test")]
    [InlineData("victim%elsewhere.test@[127.0.0.1]")]
    [InlineData("@example.test:victim@elsewhere.test")]
    [InlineData("@example.test,@other.test:victim@elsewhere.test")]
    [InlineData("\"victim@elsewhere.test\"@example.test")]
    [InlineData("\"victim\"@elsewhere.test")]
    [InlineData("victim@elsewhere.test@example.test")]
    [InlineData("elsewhere.test!victim@example.test")]
    [InlineData("victim@[192.0.2.1]")]
    [InlineData("victim@[IPv6:2001:db8::1]")]
    [InlineData("victim@example.test.elsewhere.test")]
    [InlineData("victim@localhost")]
    [InlineData("postmaster@elsewhere.test")]
    public async Task Relay_attempts_are_all_refused(string recipient)
    {
        await server.CreateMailboxAsync();
        await using var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO spammer.test");
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<spammer@spam.test>"));
        var reply = await smtp.CommandAsync($"RCPT TO:<{recipient}>");
        Assert.Matches("^5[0-9][0-9] ", reply);
        Assert.StartsWith("5", await smtp.CommandAsync("DATA"));

        using var admin = server.Rest(server.AdminKey);
        Assert.DoesNotContain("spam.test", (await admin.GetJsonAsync("/v1/queue")).GetRawText());
    }

    [Fact]
    public async Task Recipient_limit_is_452_4_5_3()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO many.test");
        await smtp.CommandAsync("MAIL FROM:<a@many.test>");
        for (var i = 0; i < 5; i++) Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
        Assert.StartsWith("452 4.5.3", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
        // A new transaction starts the count again.
        await smtp.CommandAsync("RSET");
        await smtp.CommandAsync("MAIL FROM:<a@many.test>");
        Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
    }

    [Fact]
    public async Task Declared_size_over_the_limit_is_552_at_mail_from()
    {
        await using var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        await smtp.ReplyAsync();
        Assert.Contains("SIZE 524288", await smtp.CommandAsync("EHLO big.test"));
        Assert.StartsWith("552", await smtp.CommandAsync("MAIL FROM:<a@big.test> SIZE=900000"));
    }

    [Fact]
    public async Task Ehlo_advertises_the_extensions_clients_rely_on()
    {
        await using var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        Assert.Equal("220 mail.localhost ESMTP Open Mailserver", await smtp.ReplyAsync());
        var ehlo = await smtp.CommandAsync("EHLO client.test");
        Assert.StartsWith("250-mail.localhost Hello client.test", ehlo);
        foreach (var extension in new[] { "PIPELINING", "8BITMIME", "SMTPUTF8", "STARTTLS", "SIZE 524288" }) Assert.Contains(extension, ehlo);
        Assert.DoesNotContain("AUTH", ehlo);
    }

    [Fact]
    public async Task An_alias_with_a_disabled_member_still_delivers_to_the_others()
    {
        var (active, disabled) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        var alias = $"{Provisioning.UniqueLocalPart("team")}@example.test";
        using (var admin = server.Rest(server.AdminKey))
        {
            (await admin.PostAsync("/v1/aliases", new StringContent($"{{\"source\":\"{alias}\",\"destination\":\"{active.Address},{disabled.Address}\"}}",
                Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            (await admin.PostAsync($"/v1/mailboxes/{disabled.Address}/disable", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }
        await using var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO team.test");
        await smtp.CommandAsync("MAIL FROM:<a@team.test>");
        Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{alias}>"));
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync("Subject: to the team\r\n\r\nhi\r\n."));
        using var reader = server.Rest(active.Key);
        Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{active.Address}/messages")).EnumerateArray());
        Assert.Equal(0, await StoreInspector.ScalarAsync<long>(server.DataDirectory, "SELECT COUNT(*) FROM messages WHERE mailbox_id = @id", new { id = disabled.Id }));
    }

    [Fact]
    public async Task Auth_on_the_mx_port_never_succeeds()
    {
        var box = await server.CreateMailboxAsync();
        server.Started();
        using var client = MailServer.SmtpClient();
        await client.ConnectAsync("127.0.0.1", server.MxPort, SecureSocketOptions.StartTls);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(box.Address, box.Password));
    }
}
