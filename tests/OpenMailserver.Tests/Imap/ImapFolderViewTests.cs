using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>The view of a folder that sessions share: a folder opened again after arrivals, expunges and flag
/// changes shows exactly what the store holds, sessions that had it open are told the same, and keywords come
/// from what the store keeps, announced before any FETCH shows one.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapFolderViewTests(SharedMailServer server)
{
    [Fact]
    public async Task A_folder_opened_again_after_changes_shows_what_the_store_holds()
    {
        var box = await server.CreateMailboxAsync();
        await using var first = await ImapConversation.LoginAsync(server, box);
        await using var writer = await ImapConversation.LoginAsync(server, box);
        for (var i = 1; i <= 5; i++) await writer.AppendAsync("INBOX", $"m{i}");
        Assert.Contains("* 5 EXISTS", await first.CommandAsync("SELECT INBOX"));

        // Changes after the first session opened the folder (and the view of it was kept): two arrivals, two
        // expunges, a flag.
        await writer.CommandAsync("SELECT INBOX");
        await writer.CommandAsync("UID STORE 2,4 +FLAGS.SILENT (\\Deleted)");
        await writer.CommandAsync("EXPUNGE");
        await writer.AppendAsync("INBOX", "m6");
        await writer.AppendAsync("INBOX", "m7");
        await writer.CommandAsync("UID STORE 5 +FLAGS.SILENT (\\Flagged)");

        await using var later = await ImapConversation.LoginAsync(server, box);
        var select = await later.CommandAsync("EXAMINE INBOX");
        Assert.Contains("* 5 EXISTS", select);
        Assert.Contains(select, l => l.StartsWith("* OK [UIDNEXT 8]", StringComparison.Ordinal));
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS ())", "* 2 FETCH (UID 3 FLAGS ())", "* 3 FETCH (UID 5 FLAGS (\\Flagged))",
            "* 4 FETCH (UID 6 FLAGS ())", "* 5 FETCH (UID 7 FLAGS ())"], (await later.CommandAsync("UID FETCH 1:* (FLAGS)")).SkipLast(1));
        Assert.Equal("* SEARCH 2", (await later.CommandAsync("SEARCH UID 3"))[0]);

        // The session that had it open is told the same, once it may be.
        var noop = await first.CommandAsync("NOOP");
        Assert.Equal(["* 4 EXPUNGE", "* 2 EXPUNGE"], noop.Where(l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal)));
        Assert.Contains("* 5 EXISTS", noop);
        Assert.Contains("* 3 FETCH (UID 5 FLAGS (\\Flagged \\Recent))", noop);
        Assert.Equal((await later.CommandAsync("UID FETCH 1:* (UID)")).SkipLast(1), (await first.CommandAsync("UID FETCH 1:* (UID)")).SkipLast(1));
    }

    [Fact]
    public async Task Its_own_store_is_not_reported_back_to_a_session()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.AppendAsync("INBOX", "one");
        await imap.CommandAsync("SELECT INBOX");
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent \\Seen))"], (await imap.CommandAsync("STORE 1 +FLAGS (\\Seen)")).SkipLast(1));
        Assert.Single(await imap.CommandAsync("NOOP"));
        Assert.Single(await imap.CommandAsync("STORE 1 +FLAGS.SILENT (\\Flagged)"));
        Assert.Single(await imap.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_silent_store_still_shows_a_change_another_session_made_first()
    {
        var box = await server.CreateMailboxAsync();
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.AppendAsync("INBOX", "one");
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        await b.CommandAsync("STORE 1 +FLAGS.SILENT (\\Answered)");

        // a does not know of \Answered yet: its silent store shows the flags, \Answered included, once.
        Assert.Equal(["* 1 FETCH (FLAGS (\\Answered \\Flagged \\Recent))"], (await a.CommandAsync("STORE 1 +FLAGS.SILENT (\\Flagged)")).SkipLast(1));
        Assert.Single(await a.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Keywords_are_announced_at_select_from_the_store_and_before_a_fetch_shows_a_new_one()
    {
        var box = await server.CreateMailboxAsync();
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.AppendAsync("INBOX", "one", "$Label1");
        await a.AppendAsync("INBOX", "two");
        var select = await a.CommandAsync("SELECT INBOX");
        Assert.Contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)", select);

        await b.CommandAsync("SELECT INBOX");
        await b.CommandAsync("STORE 2 +FLAGS.SILENT (Project-X)");
        var fetch = await a.CommandAsync("FETCH 2 (FLAGS)");
        var flags = fetch.FindIndex(l => l.StartsWith("* FLAGS ", StringComparison.Ordinal));
        var shown = fetch.FindIndex(l => l == "* 2 FETCH (FLAGS (\\Recent Project-X))");
        Assert.InRange(flags, 0, shown - 1);
        Assert.Contains("Project-X", fetch[flags]);
        Assert.Contains("$Label1", fetch[flags]);
    }

    [Fact]
    public async Task Fetch_reads_scattered_and_dense_sets_alike()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        for (var i = 1; i <= 30; i++) await imap.AppendAsync("INBOX", $"m{i}", i is > 1 and < 25 && i != 6 ? "\\Deleted" : "");
        await imap.CommandAsync("EXAMINE INBOX");
        // Dense: one range read of UIDs 25 to 30.
        Assert.Equal(Enumerable.Range(25, 6).Select(uid => $"* {uid} FETCH (UID {uid})"), (await imap.CommandAsync("UID FETCH 25:* (UID)")).SkipLast(1));
        await imap.CommandAsync("SELECT INBOX");
        await imap.CommandAsync("EXPUNGE");
        // Scattered: 1, 6 and 25 to 30 are left, far apart.
        Assert.Equal(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 6)", "* 3 FETCH (UID 25)", "* 8 FETCH (UID 30)"],
            (await imap.CommandAsync("FETCH 1:3,8 (UID)")).SkipLast(1));
    }
}
