using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

[Collection(SharedMailServerCollection.Name)]
public sealed class ImapFolderTests(SharedMailServer server)
{
    [Fact]
    public async Task List_shows_the_standard_folders_with_special_use()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.Equal([
            "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
            "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
            "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
            "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
            "T2 OK LIST completed",
        ], await imap.CommandAsync("LIST \"\" \"*\""));
        Assert.Equal(["* LIST (\\Noselect) \"/\" \"\"", "T3 OK LIST completed"], await imap.CommandAsync("LIST \"\" \"\""));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "T4 OK LIST completed"], await imap.CommandAsync("LIST \"\" inbox"));
        var special = await imap.CommandAsync("LIST (SPECIAL-USE) \"\" \"*\"");
        Assert.Equal(5, special.Count);
        Assert.DoesNotContain(special, l => l.Contains("INBOX"));
    }

    [Fact]
    public async Task Create_rename_delete_with_hierarchy_and_unicode()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.Equal("T2 OK CREATE completed", (await imap.CommandAsync("CREATE Projects/2026/Q4")).Last());
        Assert.Equal(["* LIST (\\HasChildren) \"/\" \"Projects\"", "T3 OK LIST completed"], await imap.CommandAsync("LIST \"\" %rojects"));
        Assert.Equal("T4 NO [ALREADYEXISTS] Projects/2026 already exists", (await imap.CommandAsync("CREATE Projects/2026")).Last());
        Assert.Equal("T5 OK RENAME completed", (await imap.CommandAsync("RENAME Projects Archive")).Last());
        var list = await imap.CommandAsync("LIST Archive/ *");
        Assert.Equal(["* LIST (\\HasChildren) \"/\" \"Archive/2026\"", "* LIST (\\HasNoChildren) \"/\" \"Archive/2026/Q4\"", "T6 OK LIST completed"], list);
        Assert.Equal("T7 NO [HASCHILDREN] Archive has subfolders; delete them first", (await imap.CommandAsync("DELETE Archive")).Last());
        Assert.Equal("T8 NO [CANNOT] Sent is a special folder and cannot be deleted", (await imap.CommandAsync("DELETE Sent")).Last());
        Assert.Equal("T9 NO [NONEXISTENT] No folder Nope", (await imap.CommandAsync("DELETE Nope")).Last());
        Assert.Equal("T10 OK CREATE completed", (await imap.CommandAsync("CREATE \"Gr&AvwA3w-e\"")).Last());
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"Gr&AvwA3w-e\"", await imap.CommandAsync("LIST \"\" Gr*"));
        Assert.Equal("T12 NO [CANNOT] INBOX cannot be renamed, nor can a folder take its name", (await imap.CommandAsync("RENAME INBOX Old")).Last());
        // A quoted string is a valid mailbox in the grammar; a name no folder can have is NO, not BAD.
        Assert.Equal("T13 NO [CANNOT] \"bad*name\" is not a valid folder name", (await imap.CommandAsync("CREATE \"bad*name\"")).Last());
    }

    [Fact]
    public async Task Two_sessions_creating_one_folder_at_once_make_it_once_and_the_other_hears_it_exists()
    {
        var box = await server.CreateMailboxAsync();
        var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ImapConversation.LoginAsync(server, box)));
        for (var round = 0; round < 5; round++)
        {
            var replies = await Task.WhenAll(sessions.Select(s => s.CommandAsync($"CREATE Race{round}/Inner")));
            Assert.Single(replies, r => r.Last().EndsWith("OK CREATE completed"));
            Assert.All(replies.Where(r => !r.Last().EndsWith("OK CREATE completed")), r => Assert.Contains("NO [ALREADYEXISTS]", r.Last()));
        }
        Assert.Equal(11, (await sessions[0].CommandAsync("LIST \"\" \"Race*\"")).Count);
        foreach (var session in sessions) await session.DisposeAsync();
    }

    [Fact]
    public async Task A_subfolder_created_while_its_parent_is_renamed_moves_with_it_or_is_made_under_the_new_name()
    {
        var box = await server.CreateMailboxAsync();
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        Assert.EndsWith("OK CREATE completed", (await a.CommandAsync("CREATE Old")).Last());
        var renaming = a.CommandAsync("RENAME Old New");
        var creating = b.CommandAsync("CREATE Old/Child");
        await Task.WhenAll(renaming, creating);
        // Either the child was made first and moved with its parent, or the rename came first and the child
        // recreated the old level; never a child left under a parent that is gone.
        var names = (await a.CommandAsync("LIST \"\" \"*\"")).Where(l => l.StartsWith("* LIST")).Select(l => l[(l.LastIndexOf(" \"/\" ", StringComparison.Ordinal) + 5)..]).ToList();
        Assert.Contains("\"New\"", names);
        Assert.True(names.Contains("\"New/Child\"") || (names.Contains("\"Old\"") && names.Contains("\"Old/Child\"")), string.Join(", ", names));
    }

    [Fact]
    public async Task A_folder_deleted_and_created_again_at_once_never_repeats_its_uidvalidity()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var seen = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            Assert.EndsWith("OK CREATE completed", (await imap.CommandAsync("CREATE Again")).Last());
            var select = await imap.CommandAsync("SELECT Again");
            seen.Add(long.Parse(System.Text.RegularExpressions.Regex.Match(string.Join("\n", select), @"\[UIDVALIDITY (\d+)\]").Groups[1].Value));
            await imap.CommandAsync("CLOSE");
            Assert.EndsWith("OK DELETE completed", (await imap.CommandAsync("DELETE Again")).Last());
        }
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        // Strictly increasing across the mailbox's folders too, and a new folder is never below the others.
        var status = await imap.CommandAsync("STATUS INBOX (UIDVALIDITY)");
        Assert.True(long.Parse(System.Text.RegularExpressions.Regex.Match(status[0], @"UIDVALIDITY (\d+)").Groups[1].Value) < seen[0]);
    }

    [Fact]
    public async Task Status_counts_and_select_reports_the_folder()
    {
        var box = await server.CreateMailboxAsync();
        using (var api = server.Rest(box.Key))
            for (var i = 0; i < 2; i++) await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = $"s{i}", text_body = "x" });
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var status = await imap.CommandAsync("STATUS INBOX (MESSAGES UNSEEN UIDNEXT RECENT)");
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 2 UNSEEN 2 UIDNEXT 3 RECENT 2)", status[0]);
        var select = await imap.CommandAsync("SELECT INBOX");
        Assert.Equal("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", select[0]);
        Assert.Contains("* 2 EXISTS", select);
        Assert.Contains("* 2 RECENT", select);
        Assert.Contains("* OK [UNSEEN 1] First unseen", select);
        Assert.Contains(select, l => l.StartsWith("* OK [UIDVALIDITY ", StringComparison.Ordinal));
        Assert.Contains("* OK [UIDNEXT 3] Predicted next UID", select);
        Assert.Equal("T3 OK [READ-WRITE] SELECT completed", select.Last());
        Assert.Equal("T4 OK [READ-ONLY] EXAMINE completed", (await imap.CommandAsync("EXAMINE INBOX")).Last());
        Assert.Equal("T5 NO [READ-ONLY] The folder is open read-only (EXAMINE)", (await imap.CommandAsync("STORE 1 +FLAGS (\\Seen)")).Last());
        Assert.Equal("T6 NO [NONEXISTENT] No folder Missing", (await imap.CommandAsync("SELECT Missing")).Last());
        Assert.Equal("T7 BAD FETCH is not allowed now (select a folder first)", (await imap.CommandAsync("FETCH 1 FLAGS")).Last());
    }

    [Fact]
    public async Task Append_to_drafts_is_visible_over_rest_with_its_uid()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var message = "From: " + box.Address + "\r\nSubject: draft via imap\r\n\r\nunfinished\r\n";
        await imap.SendAsync($"A1 APPEND Drafts (\\Draft \\Seen) \"25-Nov-2026 16:00:00 +0100\" {{{message.Length}}}\r\n");
        Assert.Equal("+ Ready for literal data", await imap.LineAsync());
        await imap.SendAsync(message + "\r\n");
        var done = await imap.UntilTaggedAsync("A1");
        Assert.Matches(@"^A1 OK \[APPENDUID \d+ 1\] APPEND completed$", done.Last());

        using var api = server.Rest(box.Key);
        var drafts = await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Drafts");
        Assert.Equal("draft via imap", Assert.Single(drafts.EnumerateArray()).GetProperty("subject").GetString());

        var fetch = await imap.CommandAsync("EXAMINE Drafts");
        var internalDate = await imap.CommandAsync("FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)");
        Assert.Equal($"* 1 FETCH (FLAGS (\\Draft \\Recent \\Seen) INTERNALDATE \"25-Nov-2026 15:00:00 +0000\" RFC822.SIZE {message.Length})", internalDate[0]);

        await imap.SendAsync($"A2 APPEND Nowhere {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Equal("A2 NO [TRYCREATE] No folder Nowhere", (await imap.UntilTaggedAsync("A2")).Last());
    }

    [Fact]
    public async Task Append_and_copy_respect_the_mailbox_quota()
    {
        await using var small = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxMessagesPerMailbox"] = "2" });
        var box = await small.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(small, box);
        const string message = "Subject: q\r\n\r\nx\r\n";
        for (var i = 0; i < 2; i++)
        {
            await imap.SendAsync($"A{i} APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
            Assert.Contains(" OK ", (await imap.UntilTaggedAsync($"A{i}")).Last());
        }
        await imap.SendAsync($"A9 APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Equal("A9 NO [OVERQUOTA] The mailbox holds at most 2 messages and 10737418240 bytes", (await imap.UntilTaggedAsync("A9")).Last());
        await imap.CommandAsync("SELECT INBOX");
        Assert.Equal("T3 NO [OVERQUOTA] The mailbox holds at most 2 messages and 10737418240 bytes", (await imap.CommandAsync("COPY 1 Trash")).Last());
        Assert.StartsWith("T4 OK", (await imap.CommandAsync("MOVE 1 Trash")).Last());

        // Expunging makes room again: the kept count follows deletions.
        await imap.CommandAsync("SELECT Trash");
        await imap.CommandAsync("STORE 1 +FLAGS (\\Deleted)");
        Assert.StartsWith("T7 OK", (await imap.CommandAsync("EXPUNGE")).Last());
        await imap.SendAsync($"A10 APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Contains(" OK ", (await imap.UntilTaggedAsync("A10")).Last());
        await imap.SendAsync($"A11 APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Equal("A11 NO [OVERQUOTA] The mailbox holds at most 2 messages and 10737418240 bytes", (await imap.UntilTaggedAsync("A11")).Last());
    }

    [Fact]
    public async Task Appends_and_smtp_deliveries_racing_at_the_quota_edge_never_pass_the_quota()
    {
        await using var small = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxMessagesPerMailbox"] = "5" });
        var box = await small.CreateMailboxAsync();
        var sessions = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ImapConversation.LoginAsync(small, box)));
        const string message = "Subject: q\r\n\r\nx\r\n";

        var appends = sessions.Select(async (imap, i) =>
        {
            await imap.SendAsync($"A{i} APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
            return (await imap.UntilTaggedAsync($"A{i}")).Last();
        });
        var deliveries = Enumerable.Range(0, 6).Select(async _ =>
        {
            // The MX refuses at RCPT when the mailbox is full already, or at the end of DATA when it filled meanwhile.
            await using var smtp = await SmtpConversation.OpenAsync(small.MxPort);
            await smtp.ReplyAsync();
            await smtp.CommandAsync("EHLO sender.test");
            await smtp.CommandAsync("MAIL FROM:<a@outside.test>");
            if (await smtp.CommandAsync($"RCPT TO:<{box.Address}>") is var rcpt && !rcpt.StartsWith("250")) return rcpt;
            await smtp.CommandAsync("DATA");
            await smtp.SendAsync(System.Text.Encoding.ASCII.GetBytes(message + ".\r\n"));
            return await smtp.ReplyAsync(TimeSpan.FromSeconds(60));
        });
        var replies = await Task.WhenAll(appends.Concat(deliveries));

        // Five fit; every other one is refused, whichever door it came through.
        Assert.Equal(5, replies.Count(r => r.Contains(" OK [APPENDUID") || r.StartsWith("250 ")));
        Assert.All(replies.Where(r => !r.Contains(" OK [APPENDUID") && !r.StartsWith("250 ")),
            r => Assert.True(r.EndsWith("NO [OVERQUOTA] The mailbox holds at most 5 messages and 10737418240 bytes") || r.StartsWith("452 ") || r.StartsWith("552 "), r));
        Assert.Contains(await sessions[0].CommandAsync("STATUS INBOX (MESSAGES)"), line => line.StartsWith("* STATUS") && line.EndsWith("(MESSAGES 5)"));
        foreach (var session in sessions) await session.DisposeAsync();
    }
}
