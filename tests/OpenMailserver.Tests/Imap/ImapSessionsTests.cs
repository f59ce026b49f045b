using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>Several sessions on one mailbox, and changes from other doors: each session is told per the
/// RFC rules, IDLE pushes within a second, and races never lose or duplicate a message.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapSessionsTests(SharedMailServer server)
{
    [Fact]
    public async Task Idle_is_told_of_mail_delivered_over_smtp_within_a_second()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("SELECT INBOX");
        await imap.SendAsync("I1 IDLE\r\n");
        Assert.Equal("+ idling", await imap.LineAsync());

        var clock = Stopwatch.StartNew();
        using (var smtp = MailServer.SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.MxPort, SecureSocketOptions.None);
            await smtp.SendAsync(new MimeMessage { From = { MailboxAddress.Parse("a@outside.test") }, To = { MailboxAddress.Parse(box.Address) }, Subject = "push", Body = new TextPart("plain") { Text = "x" } });
        }
        var sentAt = clock.Elapsed;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal("* 1 EXISTS", await imap.LineAsync(cts.Token));
        Assert.True(clock.Elapsed - sentAt < TimeSpan.FromSeconds(1), $"took {clock.Elapsed - sentAt}");

        await imap.SendAsync("DONE\r\n");
        Assert.Equal("I1 OK IDLE terminated", (await imap.UntilTaggedAsync("I1")).Last());
    }

    [Fact]
    public async Task A_selected_folder_renamed_by_another_session_stays_selected_and_reports_new_mail()
    {
        var box = await server.CreateMailboxAsync();
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("CREATE Work");
        await a.AppendAsync("Work", "one");
        Assert.Contains("* 1 EXISTS", await a.CommandAsync("SELECT Work"));

        Assert.EndsWith("OK RENAME completed", (await b.CommandAsync("RENAME Work Jobs")).Last());
        await b.AppendAsync("Jobs", "two");

        var told = await a.CommandAsync("NOOP");
        Assert.Contains("* 2 EXISTS", told);
        Assert.EndsWith("OK NOOP completed", told.Last());
    }

    [Fact]
    public async Task Idle_sees_flag_changes_and_expunges_made_over_another_session()
    {
        var box = await server.CreateMailboxAsync();
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.AppendAsync("INBOX", "one");
        await a.AppendAsync("INBOX", "two");
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        await b.SendAsync("I1 IDLE\r\n");
        Assert.Equal("+ idling", await b.LineAsync());

        await a.CommandAsync("STORE 1 +FLAGS (\\Flagged)");
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Flagged))", await b.LineAsync(cts.Token));

        await a.CommandAsync("STORE 1 +FLAGS.SILENT (\\Deleted)");
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Deleted \\Flagged))", await b.LineAsync(cts.Token));
        Assert.Equal(["* 1 EXPUNGE", "T5 OK EXPUNGE completed"], (await a.CommandAsync("EXPUNGE")).Where(l => !l.Contains("FETCH")).ToList());
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            Assert.Equal("* 1 EXPUNGE", await b.LineAsync(cts.Token));
        await b.SendAsync("DONE\r\n");
        await b.UntilTaggedAsync("I1");
        Assert.Equal("* 1 FETCH (UID 2 FLAGS ())", (await b.CommandAsync("FETCH 1 (UID FLAGS)"))[0]);
    }

    [Fact]
    public async Task Expunge_by_another_session_is_not_reported_during_fetch_but_at_noop()
    {
        var box = await server.CreateMailboxAsync();
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.AppendAsync("INBOX", "keep");
        await a.AppendAsync("INBOX", "remove", "\\Deleted");
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        await a.CommandAsync("EXPUNGE");

        // During FETCH the expunge is not announced (RFC 3501 §7.4.1): numbers stay as the client knows them, and
        // the message that is gone, whose data the store no longer has, is left out with EXPUNGEISSUED (RFC 2180 §4.1.3).
        var fetch = await b.CommandAsync("FETCH 1:* (FLAGS)");
        Assert.Equal(["* 1 FETCH (FLAGS ())", "T3 OK [EXPUNGEISSUED] FETCH completed; some messages were expunged"], fetch);
        Assert.Equal(["* 2 EXPUNGE", "T4 OK NOOP completed"], await b.CommandAsync("NOOP"));
        Assert.Equal(["* 1 FETCH (FLAGS ())", "T5 OK FETCH completed"], await b.CommandAsync("FETCH 1:* (FLAGS)"));
    }

    [Fact]
    public async Task New_mail_from_the_api_shows_up_at_noop_with_exists()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("SELECT INBOX");
        using (var api = server.Rest(box.Key))
            await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "from api", text_body = "x" });
        Assert.Equal(["* 1 EXISTS", "* 1 RECENT", "T3 OK NOOP completed"], await imap.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Concurrent_moves_of_the_same_message_leave_exactly_one_copy()
    {
        var box = await server.CreateMailboxAsync();
        await using var setup = await ImapConversation.LoginAsync(server, box);
        for (var i = 0; i < 20; i++) await setup.AppendAsync("INBOX", $"m{i}");
        await setup.CommandAsync("CREATE Left");
        await setup.CommandAsync("CREATE Right");

        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        var moves = await Task.WhenAll(a.CommandAsync("UID MOVE 1:20 Left"), b.CommandAsync("UID MOVE 1:20 Right"));
        Assert.All(moves, m => Assert.Contains(" OK ", m.Last()));

        var left = await setup.CommandAsync("STATUS Left (MESSAGES)");
        var right = await setup.CommandAsync("STATUS Right (MESSAGES)");
        var inbox = await setup.CommandAsync("STATUS INBOX (MESSAGES)");
        int Count(List<string> status) => int.Parse(System.Text.RegularExpressions.Regex.Match(status[0], @"MESSAGES (\d+)").Groups[1].Value);
        Assert.Equal(20, Count(left) + Count(right));
        Assert.Equal(0, Count(inbox));
    }

    [Fact]
    public async Task Flags_set_over_imap_are_visible_over_rest()
    {
        var box = await server.CreateMailboxAsync();
        using var api = server.Rest(box.Key);
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "flag me", text_body = "x" });
        Assert.Empty((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0].GetProperty("flags").EnumerateArray());
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("SELECT INBOX");
        await imap.CommandAsync("STORE 1 +FLAGS (\\Seen \\Flagged $Todo)");
        var summary = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0];
        Assert.Equal(["\\Flagged", "\\Seen", "$Todo"], summary.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
        var sent = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Sent"))[0];
        Assert.Equal(["\\Seen"], sent.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task Copy_reports_copyuid_and_trycreate()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.AppendAsync("INBOX", "c1");
        await imap.AppendAsync("INBOX", "c2");
        await imap.CommandAsync("SELECT INBOX");
        var copy = await imap.CommandAsync("COPY 1:2 Trash");
        Assert.Matches(@"^T3 OK \[COPYUID \d+ 1:2 1:2\] COPY completed$", copy.Last());
        Assert.Equal("T4 NO [TRYCREATE] No folder Nowhere", (await imap.CommandAsync("COPY 1 Nowhere")).Last());
        var move = await imap.CommandAsync("UID MOVE 2 Trash");
        Assert.Matches(@"^\* OK \[COPYUID \d+ 2 3\] Moved$", move[0]);
        Assert.Equal("* 2 EXPUNGE", move[1]);
        Assert.Equal("T5 OK UID MOVE completed", move.Last());
    }
}
