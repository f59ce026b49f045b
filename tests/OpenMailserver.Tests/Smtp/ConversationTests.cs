using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

/// <summary>Raw SMTP conversations over a real socket: pipelining, dot-stuffing, 8-bit data, limits,
/// timeouts, clients that misbehave or vanish. Every case ends in a defined reply or a clean close, nothing
/// half-written becomes visible, and the server keeps serving.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ConversationTests(SharedMailServer server)
{
    private async Task<SmtpConversation> OpenMxAsync()
    {
        var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        Assert.StartsWith("220 ", await smtp.ReplyAsync());
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO conversation.test"));
        return smtp;
    }

    private async Task<List<string>> InboxRawAsync(TestMailbox box)
    {
        using var reader = server.Rest(box.Key);
        var list = await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages");
        var result = new List<string>();
        foreach (var m in list.EnumerateArray())
            result.Add(Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(server.DataDirectory, m.GetProperty("id").GetString()!)));
        return result;
    }

    private async Task AssertStillServingAsync()
    {
        await using var smtp = await OpenMxAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Pipelined_transaction_gets_every_reply_in_order()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        await smtp.SendAsync($"MAIL FROM:<p@pipe.test>\r\nRCPT TO:<{box.Address}>\r\nRCPT TO:<nobody-pipe@example.test>\r\nDATA\r\n");
        Assert.StartsWith("250", await smtp.ReplyAsync());
        Assert.StartsWith("250", await smtp.ReplyAsync());
        Assert.StartsWith("550 5.1.1", await smtp.ReplyAsync());
        Assert.StartsWith("354", await smtp.ReplyAsync());
        await smtp.SendAsync("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        Assert.StartsWith("250 2.0.0", await smtp.ReplyAsync());
        Assert.StartsWith("221", await smtp.ReplyAsync());
        Assert.Single(await InboxRawAsync(box));
    }

    [Fact]
    public async Task Dot_stuffed_lines_are_restored_and_eight_bit_bytes_kept()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        await smtp.CommandAsync("MAIL FROM:<d@dots.test> BODY=8BITMIME");
        await smtp.CommandAsync($"RCPT TO:<{box.Address}>");
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        var body = "Subject: dots\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n..leading dot\r\n.\u00a0not the end\r\n...\r\nGrüße, 日本語\r\n.\r\n";
        Assert.StartsWith("250", (await SendAndReplyAsync(smtp, Encoding.UTF8.GetBytes(body))));
        var raw = Assert.Single(await InboxRawAsync(box));
        Assert.EndsWith("\r\n\r\n.leading dot\r\n.\u00a0not the end\r\n..\r\nGrüße, 日本語\r\n", raw);
    }

    private static async Task<string> SendAndReplyAsync(SmtpConversation smtp, byte[] bytes)
    {
        await smtp.SendAsync(bytes);
        return await smtp.ReplyAsync();
    }

    [Fact]
    public async Task Several_messages_on_one_connection()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.StartsWith("250", await smtp.CommandAsync($"MAIL FROM:<m{i}@many.test>"));
            Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
            Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
            Assert.StartsWith("250", await smtp.CommandAsync($"Subject: number {i}\r\n\r\nx\r\n."));
        }
        Assert.Equal(5, (await InboxRawAsync(box)).Count);
    }

    [Fact]
    public async Task Unknown_and_out_of_order_commands_get_errors_and_the_session_goes_on()
    {
        await using var smtp = await OpenMxAsync();
        Assert.StartsWith("502", await smtp.CommandAsync("FROB the server"));
        Assert.StartsWith("502", await smtp.CommandAsync("VRFY postmaster"));
        Assert.Matches("^50[13] ", await smtp.CommandAsync("RCPT TO:<a@example.test>"));
        Assert.Matches("^50[13] ", await smtp.CommandAsync("DATA"));
        Assert.Matches("^5", await smtp.CommandAsync("MAIL FROM:no-brackets@x.test"));
        Assert.StartsWith("250", await smtp.CommandAsync("NOOP"));
        Assert.StartsWith("250", await smtp.CommandAsync("RSET"));
        Assert.StartsWith("221", await smtp.CommandAsync("QUIT"));
    }

    [Fact]
    public async Task Nul_bytes_in_a_command_are_refused()
    {
        await using var smtp = await OpenMxAsync();
        Assert.StartsWith("5", await smtp.CommandAsync("MAIL FROM:<a\0b@x.test>"));
        Assert.StartsWith("250", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Too_many_bad_commands_end_the_session()
    {
        await using var smtp = await OpenMxAsync();
        for (var i = 0; i < 10; i++) await smtp.CommandAsync("GARBAGE " + i);
        Assert.True(await smtp.ClosedAsync(TimeSpan.FromSeconds(5)));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Bare_lf_never_completes_a_command_and_the_idle_client_is_closed()
    {
        await using var smtp = await OpenMxAsync();
        await smtp.SendAsync("NOOP\nNOOP\n");
        // No reply to a line that never ended; after Smtp:CommandTimeout (3 s here) the server says goodbye.
        var reply = await smtp.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("221", reply);
        Assert.True(await smtp.ClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Bare_lf_dot_lf_does_not_end_the_data_smuggling_guard()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        await smtp.CommandAsync("MAIL FROM:<s@smuggle.test>");
        await smtp.CommandAsync($"RCPT TO:<{box.Address}>");
        await smtp.CommandAsync("DATA");
        await smtp.SendAsync("Subject: first\r\n\r\nbody\n.\nMAIL FROM:<evil@smuggle.test>\r\nRCPT TO:<x@example.test>\r\n.\r\n");
        Assert.StartsWith("250", await smtp.ReplyAsync());
        var raw = Assert.Single(await InboxRawAsync(box));
        Assert.Contains("body\n.\nMAIL FROM:<evil@smuggle.test>", raw);
    }

    [Fact]
    public async Task Client_vanishing_mid_data_leaves_nothing_behind()
    {
        var box = await server.CreateMailboxAsync();
        await using (var smtp = await OpenMxAsync())
        {
            await smtp.CommandAsync("MAIL FROM:<v@vanish.test>");
            await smtp.CommandAsync($"RCPT TO:<{box.Address}>");
            await smtp.CommandAsync("DATA");
            await smtp.SendAsync("Subject: never finished\r\n\r\nhalf a message");
        }
        await Task.Delay(300);
        Assert.Empty(await InboxRawAsync(box));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Oversize_data_is_refused_and_not_stored()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        await smtp.CommandAsync("MAIL FROM:<big@big.test>");
        await smtp.CommandAsync($"RCPT TO:<{box.Address}>");
        await smtp.CommandAsync("DATA");
        var line = new string('x', 998) + "\r\n";
        var body = new StringBuilder("Subject: huge\r\n\r\n");
        while (body.Length < 600 * 1024) body.Append(line);
        try
        {
            await smtp.SendAsync(body + ".\r\n");
        }
        catch (IOException)
        {
            // The server may close while we are still writing: that is a refusal too.
        }
        var reply = await smtp.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.True(reply.StartsWith("552") || reply == "<closed>", reply);
        Assert.Empty(await InboxRawAsync(box));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Over_long_command_line_is_bounded()
    {
        await using var smtp = await OpenMxAsync();
        try
        {
            await smtp.SendAsync(new string('A', 700 * 1024) + "\r\n");
        }
        catch (IOException)
        {
        }
        var reply = await smtp.ReplyAsync(TimeSpan.FromSeconds(10));
        Assert.True(reply.StartsWith('5') || reply.EndsWith("<closed>"), reply);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Invalid_mime_is_still_accepted_and_stored_as_sent()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        await smtp.CommandAsync("MAIL FROM:<m@mime.test>");
        await smtp.CommandAsync($"RCPT TO:<{box.Address}>");
        await smtp.CommandAsync("DATA");
        const string broken = "Content-Type: multipart/mixed; boundary=\"never-closed\"\r\nSubject: =?bogus?Q?x?=\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\ntruncated part";
        Assert.StartsWith("250", await smtp.CommandAsync(broken + "\r\n."));
        Assert.EndsWith("truncated part\r\n", Assert.Single(await InboxRawAsync(box)));
    }

    [Fact]
    public async Task Starttls_then_a_full_transaction()
    {
        var box = await server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        Assert.StartsWith("220", await smtp.CommandAsync("STARTTLS"));
        await smtp.UpgradeAsync();
        var ehlo = await smtp.CommandAsync("EHLO tls.test");
        Assert.DoesNotContain("STARTTLS", ehlo);
        await smtp.CommandAsync("MAIL FROM:<t@tls.test>");
        await smtp.CommandAsync($"RCPT TO:<{box.Address}>");
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250", await smtp.CommandAsync("Subject: secret\r\n\r\nover tls\r\n."));
        Assert.Contains("with ESMTPS", Assert.Single(await InboxRawAsync(box)));
    }
}
