using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

[Collection(SharedMailServerCollection.Name)]
public sealed class ImapSearchTests(SharedMailServer server)
{
    private static readonly string[] Messages =
    [
        "From: Alice <alice@example.org>\r\nTo: bob@example.test\r\nSubject: Invoice 42\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nX-Priority: 1\r\n\r\nPlease pay the invoice.\r\n",
        "From: Carol <carol@example.net>\r\nTo: bob@example.test\r\nCc: dave@example.com\r\nSubject: Lunch?\r\nDate: Tue, 10 Nov 2026 12:00:00 +0000\r\n\r\nPizza at noon, with a longer body so that it is larger than the others by quite a few bytes.\r\n",
        "From: Alice <alice@example.org>\r\nTo: bob@example.test\r\nSubject: Re: Lunch?\r\nDate: Wed, 11 Nov 2026 12:30:00 +0000\r\n\r\nYes, pizza!\r\n",
    ];

    private async Task<ImapConversation> MailboxAsync()
    {
        var box = await server.CreateMailboxAsync();
        var imap = await ImapConversation.LoginAsync(server, box);
        var dates = new[] { "01-Nov-2026 09:00:00 +0000", "10-Nov-2026 13:00:00 +0000", "20-Nov-2026 08:00:00 +0000" };
        for (var i = 0; i < Messages.Length; i++)
        {
            await imap.SendAsync($"A{i} APPEND INBOX {(i == 0 ? "(\\Seen \\Flagged) " : "")}\"{dates[i]}\" {{{Messages[i].Length}+}}\r\n{Messages[i]}\r\n");
            await imap.UntilTaggedAsync($"A{i}");
        }
        await imap.CommandAsync("SELECT INBOX");
        return imap;
    }

    [Theory]
    [InlineData("ALL", "1 2 3")]
    [InlineData("FROM alice", "1 3")]
    [InlineData("FROM \"ALICE@EXAMPLE.ORG\"", "1 3")]
    [InlineData("TO bob@example.test", "1 2 3")]
    [InlineData("CC dave", "2")]
    [InlineData("SUBJECT lunch", "2 3")]
    [InlineData("BODY pizza", "2 3")]
    [InlineData("TEXT invoice", "1")]
    [InlineData("HEADER X-Priority 1", "1")]
    [InlineData("HEADER X-Priority \"\"", "1")]
    [InlineData("SEEN", "1")]
    [InlineData("UNSEEN", "2 3")]
    [InlineData("FLAGGED", "1")]
    [InlineData("NOT FLAGGED", "2 3")]
    [InlineData("OR FROM carol SUBJECT invoice", "1 2")]
    [InlineData("(FROM alice SUBJECT lunch)", "3")]
    [InlineData("LARGER 200", "2")]
    [InlineData("SMALLER 200", "1 3")]
    [InlineData("BEFORE 10-Nov-2026", "1")]
    [InlineData("ON 10-Nov-2026", "2")]
    [InlineData("SINCE 10-Nov-2026", "2 3")]
    [InlineData("SENTBEFORE 10-Nov-2026", "1")]
    [InlineData("SENTON 11-Nov-2026", "3")]
    [InlineData("SENTSINCE 10-Nov-2026", "2 3")]
    [InlineData("2:*", "2 3")]
    [InlineData("UID 1,3", "1 3")]
    [InlineData("NEW", "2 3")]
    [InlineData("RECENT", "1 2 3")]
    [InlineData("OLD", "")]
    [InlineData("CHARSET UTF-8 SUBJECT lunch", "2 3")]
    [InlineData("KEYWORD $Junk", "")]
    public async Task Search_keys(string criteria, string expected)
    {
        await using var imap = await MailboxAsync();
        var lines = await imap.CommandAsync("SEARCH " + criteria);
        Assert.Equal("* SEARCH" + (expected.Length > 0 ? " " + expected : ""), lines[0]);
        Assert.EndsWith("OK SEARCH completed", lines.Last());
    }

    [Fact]
    public async Task Uid_search_answers_uids_and_unknown_charsets_are_refused()
    {
        await using var imap = await MailboxAsync();
        await imap.CommandAsync("STORE 1 +FLAGS (\\Deleted)");
        await imap.CommandAsync("EXPUNGE");
        Assert.Equal("* SEARCH 2 3", (await imap.CommandAsync("UID SEARCH ALL"))[0]);
        Assert.Equal("* SEARCH 1 2", (await imap.CommandAsync("SEARCH ALL"))[0]);
        Assert.Equal("T7 NO [BADCHARSET (UTF-8 US-ASCII)] Only UTF-8 and US-ASCII are supported", (await imap.CommandAsync("SEARCH CHARSET KOI8-R ALL")).Last());
    }

    [Fact]
    public async Task Search_result_can_be_saved_and_reused()
    {
        await using var imap = await MailboxAsync();
        Assert.Equal(["T3 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (SAVE) FROM alice"));
        Assert.Equal("* 1 FETCH (UID 1)", (await imap.CommandAsync("FETCH $ (UID)"))[0]);
    }

    [Fact]
    public async Task Unseen_flagged_and_deleted_are_answered_as_stored_now_and_the_change_is_reported_with_them()
    {
        var box = await server.CreateMailboxAsync();
        await using var first = await ImapConversation.LoginAsync(server, box);
        for (var i = 0; i < Messages.Length; i++)
        {
            await first.SendAsync($"A{i} APPEND INBOX {{{Messages[i].Length}+}}\r\n{Messages[i]}\r\n");
            await first.UntilTaggedAsync($"A{i}");
        }
        await first.CommandAsync("SELECT INBOX");
        Assert.Equal("* SEARCH 1 2 3", (await first.CommandAsync("SEARCH UNSEEN"))[0]);

        await using (var second = await ImapConversation.LoginAsync(server, box))
        {
            await second.CommandAsync("SELECT INBOX");
            await second.CommandAsync("STORE 2 +FLAGS (\\Seen \\Flagged)");
            await second.CommandAsync("STORE 3 +FLAGS (\\Deleted)");
        }
        // The second session's changes are in the answer, and reported in the same response.
        var unseen = await first.CommandAsync("SEARCH UNSEEN");
        Assert.Equal("* SEARCH 1 3", unseen[0]);
        Assert.Contains(unseen, line => line.StartsWith("* 2 FETCH (UID 2 FLAGS (", StringComparison.Ordinal) && line.Contains("\\Flagged"));
        Assert.Equal("* SEARCH 2", (await first.CommandAsync("UID SEARCH FLAGGED"))[0]);
        Assert.Equal("* SEARCH 3", (await first.CommandAsync("SEARCH DELETED"))[0]);
        await first.CommandAsync("EXPUNGE");
        Assert.Equal("* SEARCH 1", (await first.CommandAsync("SEARCH UNSEEN"))[0]);
        Assert.Equal("* SEARCH", (await first.CommandAsync("SEARCH DELETED"))[0]);
    }
}
