extern alias ServerAssembly;
using System.Text;
using System.Text.Json;
using MimeKit;
using Microsoft.Extensions.DependencyInjection;
using ServerAssembly::OpenMailserver.Server.Events;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Messages;

/// <summary>Every door stores through the one ingest service: the message it stores carries the same event,
/// with the same details, and a mailbox at its quota refuses it the same way — counted inside the write that
/// would store, so what is stored never passes the quota.</summary>
public sealed class IngestDoorsTests
{
    private static Dictionary<string, string?> Quota(int messages, Dictionary<string, string?>? more = null)
    {
        var settings = more ?? [];
        settings["OpenMailserver:Limits:MaxMessagesPerMailbox"] = messages.ToString();
        return settings;
    }

    [Fact]
    public async Task The_mx_stores_through_ingest_and_refuses_past_the_quota()
    {
        await using var server = new MailServer(Quota(1));
        var box = await server.CreateMailboxAsync();
        Assert.StartsWith("250 ", await ThroughMxAsync(server, box, "by mx 1"));
        await AssertReceivedAsync(server, box, "by mx 1", "INBOX");

        Assert.Matches("^(452|552) ", await ThroughMxAsync(server, box, "by mx 2"));
        Assert.Equal(1, await CountAsync(server, box));
    }

    [Fact]
    public async Task Submission_stores_through_ingest_and_refuses_past_the_quota()
    {
        await using var server = new MailServer(Quota(1));
        var (sender, box) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using var smtp = await server.SubmitAsAsync(sender, implicitTls: false);
        await smtp.SendAsync(Message(sender, box, "by submission 1"));
        await AssertReceivedAsync(server, box, "by submission 1", "INBOX");

        // The sender's own Sent copy is kept whatever its quota; the full recipient refuses its copy.
        await smtp.SendAsync(Message(sender, box, "by submission 2"));
        Assert.Equal(1, await CountAsync(server, box));
        await smtp.DisconnectAsync(true);
    }

    [Fact]
    public async Task The_api_stores_through_ingest_and_refuses_past_the_quota()
    {
        await using var server = new MailServer(Quota(1));
        var (sender, box) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using var rest = server.Rest(sender.Key);
        var first = await rest.SendAsync(new { sender = sender.Address, recipients = new[] { box.Address }, subject = "by api 1", text_body = "x" });
        Assert.Equal("sent", first.GetProperty("state").GetString());
        await AssertReceivedAsync(server, box, "by api 1", "INBOX");

        var second = await rest.SendAsync(new { sender = sender.Address, recipients = new[] { box.Address }, subject = "by api 2", text_body = "x" });
        Assert.Equal("failed", second.GetProperty("state").GetString());
        var trace = await rest.TraceAsync(second.GetProperty("id").GetInt64());
        Assert.Contains("is full (1 messages)", Assert.Single(trace.Events("local_failed")).GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal(1, await CountAsync(server, box));
    }

    [Fact]
    public async Task A_bounce_stores_through_ingest_and_is_suppressed_past_the_quota()
    {
        await using var mx = new ScriptedMx(ScriptedMx.Behavior.LongRefusal);
        // Two: the first send's own Sent copy and its bounce.
        await using var server = new MailServer(Quota(2, DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["far.test"] = mx.Port })));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var first = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@far.test" }, subject = "bounce 1", text_body = "x" })).GetProperty("id").GetInt64();
        await rest.WaitForAsync(first, t => t.EventTypes().Contains("bounced"));
        await AssertReceivedAsync(server, agent, "Undelivered Mail Returned to Sender", "INBOX");

        var second = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@far.test" }, subject = "bounce 2", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await rest.WaitForAsync(second, t => t.EventTypes().Contains("bounce_suppressed"));
        Assert.Contains("is full (2 messages)", Assert.Single(trace.Events("bounce_suppressed")).GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal(3, await CountAsync(server, agent));
    }

    [Fact]
    public async Task Imap_append_stores_through_ingest_and_refuses_past_the_quota()
    {
        await using var server = new MailServer(Quota(1));
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.Contains(" OK [APPENDUID", (await AppendAsync(imap, "A1", "by append 1")).Last());
        await AssertReceivedAsync(server, box, "by append 1", "INBOX");

        Assert.EndsWith("NO [OVERQUOTA] The mailbox holds at most 1 messages and 10737418240 bytes", (await AppendAsync(imap, "A2", "by append 2")).Last());
        Assert.Equal(1, await CountAsync(server, box));
    }

    /// <summary>The stored message has exactly one received event, with the message summary every door gives, and
    /// the MIME structure ingest reads.</summary>
    private static async Task AssertReceivedAsync(MailServer server, TestMailbox box, string subject, string folder)
    {
        var events = await server.Services.GetRequiredService<IMailboxEventRepository>().ListAfterAsync(box.Id, 0, [MailboxEventType.Received], 100);
        var received = Assert.Single(events, e => JsonDocument.Parse(e.Details).RootElement.GetProperty("subject").GetString() == subject);
        var details = JsonDocument.Parse(received.Details).RootElement;
        Assert.Equal(["subject", "from", "to", "folder", "flags", "thread_id", "size"], details.EnumerateObject().Select(p => p.Name));
        Assert.Equal(folder, details.GetProperty("folder").GetString());
        var stored = await server.Services.GetRequiredService<IMessageRepository>().FindAsync(received.MessageId);
        Assert.NotNull(stored);
        Assert.Equal((box.Id, stored.Size, stored.ThreadId), (stored.MailboxId, details.GetProperty("size").GetInt64(), details.GetProperty("thread_id").GetString()));
        // Parsed once on the way in: its MIME structure is stored with it.
        Assert.True((await server.Services.GetRequiredService<IMessageRepository>().ReadStructuresAsync([stored.Id])).ContainsKey(stored.Id));
    }

    private static Task<long> CountAsync(MailServer server, TestMailbox box) =>
        server.Services.GetRequiredService<IMessageRepository>().CountInMailboxAsync(box.Id);

    private static async Task<string> ThroughMxAsync(MailServer server, TestMailbox box, string subject)
    {
        await using var smtp = await SmtpConversation.OpenAsync(server.Started().MxPort);
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO sender.test");
        await smtp.CommandAsync("MAIL FROM:<a@outside.test>");
        if (await smtp.CommandAsync($"RCPT TO:<{box.Address}>") is var rcpt && !rcpt.StartsWith("250")) return rcpt;
        await smtp.CommandAsync("DATA");
        await smtp.SendAsync(Encoding.ASCII.GetBytes($"From: a@outside.test\r\nTo: {box.Address}\r\nSubject: {subject}\r\n\r\nx\r\n.\r\n"));
        return await smtp.ReplyAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<IReadOnlyList<string>> AppendAsync(ImapConversation imap, string tag, string subject)
    {
        var message = $"Subject: {subject}\r\n\r\nx\r\n";
        await imap.SendAsync($"{tag} APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
        return await imap.UntilTaggedAsync(tag);
    }

    private static MimeMessage Message(TestMailbox from, TestMailbox to, string subject) => new(
        [MailboxAddress.Parse(from.Address)], [MailboxAddress.Parse(to.Address)], subject, new TextPart("plain") { Text = "x" });
}
