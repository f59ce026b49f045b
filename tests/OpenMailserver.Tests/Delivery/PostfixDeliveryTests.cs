using MailKit;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Delivery;

/// <summary>Our queue delivering to Postfix from Debian's packages, an MTA nobody here wrote: accepted mail
/// lands in its Maildir, its 450 is retried until the schedule runs out, its 550 fails the recipient, and
/// each failure comes back to the sender as a delivery status notification.</summary>
public sealed class PostfixDeliveryTests
{
    [Fact]
    public async Task Postfix_receives_our_mail_into_its_maildir_over_tls()
    {
        await using var postfix = new PostfixServer("pf.test", ["carol"]);
        await postfix.StartAsync();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port }));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var sent = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "carol@pf.test" }, subject = "To Postfix", text_body = "Hello, Postfix." });
        using var admin = server.Rest(server.AdminKey);
        var trace = await admin.WaitForStateAsync(sent.GetProperty("id").GetInt64(), "sent");
        trace.AssertInOrder("accepted", "queued", "attempt", "route", "dkim_signed", "connecting", "connected", "rcpt", "data", "delivered");
        Assert.True(Assert.Single(trace.Events("connected")).GetProperty("details").GetProperty("tls").GetBoolean(), "Postfix offers STARTTLS");
        var queueId = Assert.Single(trace.Events("data")).GetProperty("details").GetProperty("remote_queue_id").GetString();

        var delivered = Assert.Single(await postfix.WaitForMaildirAsync("carol"));
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(delivered)));
        Assert.Equal("To Postfix", message.Subject);
        Assert.Equal("Hello, Postfix.", message.TextBody?.Trim());
        Assert.Contains("d=a.test", message.Headers[HeaderId.DkimSignature]);
        // Postfix's own Received line names the queue id it gave us in its 250 reply.
        Assert.Contains(message.Headers, h => h.Id == HeaderId.Received && h.Value.Contains(queueId!) && h.Value.Contains("ESMTPS"));
    }

    [Fact]
    public async Task Refused_recipient_fails_and_the_sender_gets_a_notification()
    {
        await using var postfix = new PostfixServer("pf.test", ["carol"]);
        await postfix.StartAsync();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port }));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var sent = await rest.SendAsync(new
        {
            sender = agent.Address, recipients = new[] { "carol@pf.test", "nobody@pf.test" }, subject = "Half right", text_body = "x",
        });
        using var admin = server.Rest(server.AdminKey);
        var trace = await admin.WaitForAsync(sent.GetProperty("id").GetInt64(), t => t.EventTypes().Contains("bounced"));
        Assert.Equal("sent", trace.GetProperty("status").GetString()); // carol got it
        trace.AssertInOrder("connected", "rcpt", "rcpt", "data", "delivered", "failed", "bounced");
        var failed = Assert.Single(trace.Events("failed"));
        Assert.Equal("nobody@pf.test", failed.GetProperty("recipient").GetString());
        Assert.StartsWith("550 5.1.1", failed.GetProperty("details").GetProperty("reason").GetString());
        Assert.Contains("nobody@pf.test", trace.GetProperty("details").GetProperty("error").GetString());
        Assert.Single(await postfix.WaitForMaildirAsync("carol"));

        var dsn = await SingleInboxMessageAsync(server, agent);
        AssertNotification(dsn, "nobody@pf.test", "5.1.1", "Half right");
    }

    [Fact]
    public async Task Temporary_refusals_are_retried_until_the_schedule_runs_out()
    {
        await using var postfix = new PostfixServer("pf.test", ["dave"], deferredUsers: ["dave"]);
        await postfix.StartAsync();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port }, retries: 2));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var sent = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "dave@pf.test" }, subject = "Busy", text_body = "x" });
        var id = sent.GetProperty("id").GetInt64();
        using var admin = server.Rest(server.AdminKey);
        var deferred = await admin.WaitForAsync(id, t => t.EventTypes().Contains("deferred"));
        Assert.Equal("deferred", deferred.GetProperty("status").GetString());
        var entry = Assert.Single((await admin.GetJsonAsync("/v1/queue")).EnumerateArray(), e => e.GetProperty("id").GetInt64() == id);
        Assert.True(entry.GetProperty("attempts").GetInt32() >= 1);
        Assert.Equal("dave@pf.test", entry.GetProperty("recipients")[0].GetProperty("address").GetString());

        var trace = await admin.WaitForAsync(id, t => t.EventTypes().Contains("bounced"));
        Assert.Equal("failed", trace.GetProperty("status").GetString());
        // Two retries: three attempts, each answered 450, then the schedule is used up.
        Assert.Equal(3, trace.Events("rcpt").Count(e => e.GetProperty("details").GetProperty("reply").GetString()!.StartsWith("450 4.2.0")));
        Assert.Equal(2, trace.Events("deferred").Count());
        trace.AssertInOrder("deferred", "deferred", "expired", "bounced");
        Assert.Empty(await postfix.WaitForMaildirAsync("dave", seconds: 0));

        var dsn = await SingleInboxMessageAsync(server, agent);
        AssertNotification(dsn, "dave@pf.test", "5.2.0", "Busy");
    }

    [Fact]
    public async Task A_temporary_refusal_of_the_sender_defers()
    {
        // smtpd_delay_reject=no makes Postfix answer MAIL FROM itself (by default it waits for RCPT).
        await using var postfix = new PostfixServer("pf.test", ["carol"],
            mainCf: ["smtpd_delay_reject = no", "smtpd_sender_restrictions = check_sender_access {access}"],
            access: ["slow@a.test 451 4.7.1 Sender greylisted, try again later"]);
        await postfix.StartAsync();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port }, retries: 30));
        var slow = await server.CreateMailboxAsync("slow", "a.test");
        using var admin = server.Rest(server.AdminKey);
        using (var rest = server.Rest(slow.Key))
        {
            var id = (await rest.SendAsync(new { sender = slow.Address, recipients = new[] { "carol@pf.test" }, subject = "greylisted", text_body = "x" })).GetProperty("id").GetInt64();
            var trace = await admin.WaitForAsync(id, t => t.Events("deferred").Any());
            Assert.StartsWith("451 4.7.1", Assert.Single(trace.Events("mail_from")).GetProperty("details").GetProperty("reply").GetString());
            Assert.Empty(trace.Events("rcpt")); // the answers to the pipelined RCPTs do not count
            Assert.Equal("deferred", trace.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_refused_data_command_fails_the_recipients()
    {
        await using var postfix = new PostfixServer("pf.test", ["carol"], mainCf: ["smtpd_data_restrictions = reject"]);
        await postfix.StartAsync();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port }, retries: 30));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);
        using var admin = server.Rest(server.AdminKey);
        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "carol@pf.test" }, subject = "no data", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await admin.WaitForAsync(id, t => t.EventTypes().Contains("bounced"));
        Assert.Equal("failed", trace.GetProperty("status").GetString());
        Assert.StartsWith("554", Assert.Single(trace.Events("data")).GetProperty("details").GetProperty("reply").GetString());
        Assert.Single(trace.Events("attempt")); // an answer, not a broken host: no retry
    }

    [Fact]
    public async Task A_bcc_header_left_by_a_mail_client_never_leaves()
    {
        await using var postfix = new PostfixServer("pf.test", ["carol", "hidden"]);
        await postfix.StartAsync();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port }));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        await using (var smtp = await SmtpConversation.OpenAsync(server.Started().SubmissionTlsPort, implicitTls: true))
        {
            await smtp.ReplyAsync();
            await smtp.CommandAsync("EHLO client.test");
            Assert.StartsWith("235", await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{agent.Address}\0{agent.Password}"))));
            Assert.StartsWith("250", await smtp.CommandAsync($"MAIL FROM:<{agent.Address}>"));
            Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<carol@pf.test>"));
            Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<hidden@pf.test>"));
            Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
            Assert.StartsWith("250", await smtp.CommandAsync(
                $"From: {agent.Address}\r\nTo: carol@pf.test\r\nBcc: hidden@pf.test\r\nSubject: blind\r\n\r\nx\r\n."));
        }
        foreach (var user in new[] { "carol", "hidden" })
        {
            var delivered = Assert.Single(await postfix.WaitForMaildirAsync(user));
            Assert.Contains("Subject: blind", delivered);
            var header = delivered.Replace("\r\n", "\n").Split("\n\n")[0];
            Assert.DoesNotContain(header.Split('\n'), line => line.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase));
        }
    }

    private static async Task<MimeMessage> SingleInboxMessageAsync(MailServer server, TestMailbox box)
    {
        using var imap = await server.ImapAsAsync(box);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, imap.Inbox.Count);
        return await imap.Inbox.GetMessageAsync(0);
    }

    /// <summary>An RFC 3464 report: human part, delivery-status with the recipient's fate, and the original headers.</summary>
    private static void AssertNotification(MimeMessage dsn, string recipient, string status, string originalSubject)
    {
        Assert.StartsWith("MAILER-DAEMON@", dsn.From.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", dsn.Headers[HeaderId.AutoSubmitted]);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Contains(recipient, Assert.IsType<TextPart>(report[0]).Text);
        var fields = Assert.IsType<MessageDeliveryStatus>(report[1]).StatusGroups;
        Assert.Equal("dns; mx.a.test", fields[0]["Reporting-MTA"]);
        var group = Assert.Single(fields.Skip(1), g => g.Contains("Final-Recipient"));
        Assert.Equal($"rfc822; {recipient}", group["Final-Recipient"]);
        Assert.Equal("failed", group["Action"]);
        Assert.Equal(status, group["Status"]);
        Assert.StartsWith("smtp; ", group["Diagnostic-Code"]);
        Assert.Equal(originalSubject, Assert.IsType<TextRfc822Headers>(report[2]).Message?.Subject);
    }
}
