using MailKit;
using MailKit.Search;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>ESEARCH (RFC 4731): SEARCH RETURN (MIN MAX COUNT ALL), answered by an ESEARCH response that names the
/// command's tag; with SAVE (RFC 5182) and CONDSTORE's MODSEQ; and MailKit asking for counts and ranges.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapEsearchTests(SharedMailServer server)
{
    private async Task<(TestMailbox Box, ImapConversation Imap)> FolderAsync()
    {
        var box = await server.CreateMailboxAsync();
        var imap = await ImapConversation.LoginAsync(server, box);
        for (var i = 1; i <= 6; i++) await imap.AppendAsync("INBOX", $"message {i}", i is 2 or 3 or 5 ? "\\Seen" : "");
        await imap.CommandAsync("SELECT INBOX");
        return (box, imap);
    }

    [Fact]
    public async Task Return_options_give_min_max_count_and_all_in_one_esearch_response()
    {
        var (_, imap) = await FolderAsync();
        await using var _ = imap;
        Assert.Contains(" ESEARCH", (await imap.CommandAsync("CAPABILITY"))[0]);
        Assert.Equal(["* ESEARCH (TAG \"T4\") MIN 1 MAX 6 COUNT 3 ALL 1,4,6", "T4 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN"));
        Assert.Equal(["* ESEARCH (TAG \"T5\") UID ALL 1:6", "T5 OK UID SEARCH completed"], await imap.CommandAsync("UID SEARCH RETURN () ALL"));
        Assert.Equal(["* ESEARCH (TAG \"T6\") COUNT 0", "T6 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (COUNT) KEYWORD nothing"));
        Assert.Equal(["* ESEARCH (TAG \"T7\")", "T7 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (MIN ALL) KEYWORD nothing"));
        Assert.Equal(["* ESEARCH (TAG \"T8\") COUNT 2 ALL 2:3", "T8 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (COUNT ALL) 1:4 SEEN"));
        Assert.StartsWith("T9 BAD", (await imap.CommandAsync("SEARCH RETURN (BOGUS) ALL"))[^1]);
        Assert.StartsWith("T10 BAD", (await imap.CommandAsync("SEARCH RETURN (MIN"))[^1]);
    }

    [Fact]
    public async Task Save_with_min_and_max_keeps_those_two_and_modseq_ends_the_response()
    {
        var (_, imap) = await FolderAsync();
        await using var _ = imap;
        Assert.Equal(["* ESEARCH (TAG \"T3\") MIN 1 MAX 6", "T3 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (SAVE MIN MAX) UNSEEN"));
        var saved = await imap.CommandAsync("FETCH $ (UID)");
        Assert.Equal(["* 1 FETCH (UID 1)", "* 6 FETCH (UID 6)"], saved.SkipLast(1));
        // SAVE alone answers nothing but OK; with COUNT it keeps every match.
        Assert.Equal(["T5 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (SAVE) SEEN"));
        Assert.Equal(["* ESEARCH (TAG \"T6\") COUNT 3", "T6 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (SAVE COUNT) UNSEEN"));
        Assert.Equal(3, (await imap.CommandAsync("FETCH $ (UID)")).Count(l => l.Contains(" FETCH (")));

        var modseq = await imap.CommandAsync("SEARCH RETURN (COUNT) MODSEQ 1");
        Assert.Matches(@"^\* ESEARCH \(TAG ""T8""\) COUNT 6 MODSEQ \d+$", modseq.Single(l => l.StartsWith("* ESEARCH", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task After_an_expunge_uid_search_answers_uids_and_search_sequence_numbers()
    {
        var (_, imap) = await FolderAsync();
        await using var _ = imap;
        await imap.CommandAsync("STORE 2 +FLAGS.SILENT (\\Deleted)");
        await imap.CommandAsync("EXPUNGE");
        Assert.Equal("* ESEARCH (TAG \"T5\") UID MIN 1 MAX 6 ALL 1,3:6", (await imap.CommandAsync("UID SEARCH RETURN (ALL MIN MAX) ALL"))[0]);
        Assert.Equal("* ESEARCH (TAG \"T6\") ALL 1:5", (await imap.CommandAsync("SEARCH RETURN () ALL"))[0]);

        // MODSEQ with MIN alone is the modseq of that message, not the highest of the matches (RFC 4731 §3.2).
        await imap.CommandAsync("STORE 5 +FLAGS (\\Flagged)");
        var first = (await imap.CommandAsync("FETCH 1 (MODSEQ)")).First(l => l.Contains(" FETCH ("));
        var modseq = System.Text.RegularExpressions.Regex.Match(first, @"MODSEQ \((\d+)\)").Groups[1].Value;
        Assert.Equal($"* ESEARCH (TAG \"T9\") MIN 1 MODSEQ {modseq}", (await imap.CommandAsync("SEARCH RETURN (MIN) MODSEQ 1")).Single(l => l.StartsWith("* ESEARCH", StringComparison.Ordinal)));

        // A SAVE search that fails empties '$'.
        Assert.StartsWith("T10 NO [BADCHARSET", (await imap.CommandAsync("SEARCH RETURN (SAVE) CHARSET KOI8-R ALL"))[^1]);
        Assert.DoesNotContain(await imap.CommandAsync("FETCH $ (UID)"), l => l.Contains(" FETCH ("));
    }

    [Fact]
    public async Task Mailkit_asks_for_count_min_max_and_all()
    {
        var (box, imap) = await FolderAsync();
        await imap.DisposeAsync();
        using var client = await server.ImapAsAsync(box);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.ESearch));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var results = await client.Inbox.SearchAsync(SearchOptions.Count | SearchOptions.Min | SearchOptions.Max | SearchOptions.All, SearchQuery.NotSeen);
        Assert.Equal(3, results.Count);
        Assert.Equal(1u, results.Min!.Value.Id);
        Assert.Equal(6u, results.Max!.Value.Id);
        Assert.Equal([1u, 4u, 6u], results.UniqueIds.Select(u => u.Id));
        await client.DisconnectAsync(true);
    }
}
