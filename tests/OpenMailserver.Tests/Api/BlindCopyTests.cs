using System.Text;
using MailKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>Blind copies stay blind through every door: no hosted recipient's copy carries Bcc (nor
/// Resent-Bcc), and only the sender's Sent copy keeps it, so the sender can see whom they copied.</summary>
public sealed class BlindCopyTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Smtp_submission_with_a_bcc_header_reaches_hosted_recipients_without_it()
    {
        var (sender, to, hidden) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        // Raw, because MailKit (like most clients) leaves Bcc out of what it sends; some clients do not.
        await using (var smtp = await SmtpConversation.OpenAsync(_server.Started().SubmissionTlsPort, implicitTls: true))
        {
            Assert.StartsWith("220 ", await smtp.ReplyAsync());
            Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.test"));
            Assert.StartsWith("235 ", await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{sender.Address}\0{sender.Password}"))));
            Assert.StartsWith("250 ", await smtp.CommandAsync($"MAIL FROM:<{sender.Address}>"));
            Assert.StartsWith("250 ", await smtp.CommandAsync($"RCPT TO:<{to.Address}>"));
            Assert.StartsWith("250 ", await smtp.CommandAsync($"RCPT TO:<{hidden.Address}>"));
            Assert.StartsWith("354 ", await smtp.CommandAsync("DATA"));
            Assert.StartsWith("250 2.0.0 ", await smtp.CommandAsync(
                $"From: {sender.Address}\r\nTo: {to.Address}\r\nBcc: {hidden.Address}\r\nResent-Bcc: {hidden.Address}\r\nSubject: smtp bcc\r\n\r\nx\r\n."));
        }

        foreach (var box in new[] { to, hidden })
        {
            await AssertNoBlindCopyAsync(box, "INBOX");
            using var imap = await _server.ImapAsAsync(box);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var summary = Assert.Single(await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope));
            Assert.Empty(summary.Envelope!.Bcc);
        }
        Assert.Contains($"Bcc: {hidden.Address}", await RawAsync(sender, "Sent"));
    }

    [Fact]
    public async Task Api_send_reply_and_forward_keep_bcc_only_in_the_sent_copy()
    {
        var (sender, to, hidden) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        using var api = _server.Rest(sender.Key);
        await api.SendAsync(new { sender = sender.Address, recipients = new[] { to.Address }, bcc = new[] { hidden.Address }, subject = "api bcc", text_body = "x" });
        await AssertNoBlindCopyAsync(to, "INBOX");
        await AssertNoBlindCopyAsync(hidden, "INBOX");
        Assert.Contains($"Bcc: {hidden.Address}", await RawAsync(sender, "Sent"));

        // The recipient answers and forwards, each with a blind copy of its own.
        var (watcher, friend) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        using var toApi = _server.Rest(to.Key);
        var original = Assert.Single((await toApi.GetJsonAsync($"/v1/mailboxes/{to.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();
        await toApi.PostJsonAsync($"/v1/messages/{original}/reply", new { address = to.Address, text_body = "Answer.", bcc = new[] { watcher.Address } });
        await toApi.PostJsonAsync($"/v1/messages/{original}/forward",
            new { address = to.Address, recipients = new[] { friend.Address }, bcc = new[] { watcher.Address }, text_body = "FYI" });

        foreach (var (box, subject) in new[] { (sender, "Re: api bcc"), (watcher, "Re: api bcc"), (friend, "Fwd: api bcc"), (watcher, "Fwd: api bcc") })
            await AssertNoBlindCopyAsync(box, "INBOX", subject);
        using var sent = _server.Rest(to.Key);
        var sentCopies = (await sent.GetJsonAsync($"/v1/mailboxes/{to.Address}/messages?folder=Sent")).EnumerateArray().ToList();
        Assert.Equal(2, sentCopies.Count);
        foreach (var copy in sentCopies)
            Assert.Contains($"Bcc: {watcher.Address}", Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory, copy.GetProperty("id").GetString()!)));
    }

    /// <summary>Neither the stored copy nor what the API shows of it carries a Bcc or Resent-Bcc field.</summary>
    private async Task AssertNoBlindCopyAsync(TestMailbox box, string folder, string? subject = null)
    {
        using var reader = _server.Rest(box.Key);
        var messages = (await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder={folder}")).EnumerateArray()
            .Where(m => subject is null || m.GetProperty("subject").GetString() == subject).ToList();
        Assert.NotEmpty(messages);
        foreach (var summary in messages)
        {
            var id = summary.GetProperty("id").GetString()!;
            var raw = Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory, id));
            Assert.DoesNotContain("Bcc:", raw, StringComparison.OrdinalIgnoreCase);
            var message = await reader.GetJsonAsync($"/v1/messages/{id}?address={box.Address}");
            Assert.DoesNotContain(message.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString()!.EndsWith("Bcc", StringComparison.OrdinalIgnoreCase));
        }
    }

    private async Task<string> RawAsync(TestMailbox box, string folder)
    {
        using var reader = _server.Rest(box.Key);
        var summary = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder={folder}")).EnumerateArray());
        return Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory, summary.GetProperty("id").GetString()!));
    }
}
