using MailKit;
using MailKit.Search;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>SORT and SORT=DISPLAY (RFC 5256 §3, RFC 5957): each key as the RFC defines it (base subject, the first
/// address's mailbox or display name, the sent date in UTC or else the internal date), REVERSE for one key only,
/// ties by sequence number; bad criteria are BAD, other charsets BADCHARSET; MailKit sorts.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapSortTests(SharedMailServer server)
{
    private static async Task AppendAsync(ImapConversation imap, string internalDate, string headers, int bodyLength, string flags = "")
    {
        var message = $"{headers}\r\n\r\n{new string('x', bodyLength)}\r\n";
        await imap.SendAsync($"A APPEND INBOX {(flags.Length > 0 ? $"({flags}) " : "")}\"{internalDate}\" {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Contains(" OK [APPENDUID", (await imap.UntilTaggedAsync("A"))[^1]);
    }

    private async Task<(TestMailbox Box, ImapConversation Imap)> FolderAsync()
    {
        var box = await server.CreateMailboxAsync();
        var imap = await ImapConversation.LoginAsync(server, box);
        await AppendAsync(imap, "05-Jan-2023 10:00:00 +0000", "Subject: Re: beta\r\nFrom: Zed <z@x.test>\r\nTo: b@x.test\r\nDate: Mon, 2 Jan 2023 10:00:00 +0000", 400);
        await AppendAsync(imap, "01-Jan-2023 10:00:00 +0000", "Subject: alpha\r\nFrom: Yolanda <adam@x.test>\r\nTo: d@x.test\r\nDate: Sun, 1 Jan 2023 10:00:00 +0000", 10);
        await AppendAsync(imap, "03-Jan-2023 12:00:00 +0000", "Subject: [list] Beta\r\nFrom: Bob <bob@x.test>\r\nTo: a@x.test", 200, "\\Seen");
        await AppendAsync(imap, "02-Jan-2023 10:00:00 +0000", "Subject: gamma\r\nFrom: carol@x.test\r\nCc: c@x.test\r\nDate: Wed, 4 Jan 2023 00:00:00 +0100", 100);
        await imap.CommandAsync("SELECT INBOX");
        return (box, imap);
    }

    [Fact]
    public async Task Each_key_orders_as_the_rfc_defines_it()
    {
        var (_, imap) = await FolderAsync();
        await using var _ = imap;
        var capability = (await imap.CommandAsync("CAPABILITY"))[0];
        Assert.Contains(" SORT ", capability);
        Assert.Contains(" SORT=DISPLAY ", capability);
        async Task<string> SortAsync(string arguments) => (await imap.CommandAsync(arguments))[0];

        // Base subjects alpha, beta, beta, gamma: the two betas by sequence number.
        Assert.Equal("* SORT 2 1 3 4", await SortAsync("SORT (SUBJECT) UTF-8 ALL"));
        // REVERSE turns the subject order only, not the tie between the betas.
        Assert.Equal("* SORT 4 1 3 2", await SortAsync("SORT (REVERSE SUBJECT) UTF-8 ALL"));
        // Sent dates: Jan 1, Jan 2, none (the internal date, Jan 3 12:00), Jan 3 23:00 UTC.
        Assert.Equal("* SORT 2 1 3 4", await SortAsync("SORT (DATE) US-ASCII ALL"));
        Assert.Equal("* SORT 2 4 3 1", await SortAsync("SORT (ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* SORT 1 3 4 2", await SortAsync("SORT (REVERSE SIZE) UTF-8 ALL"));
        // The first address's mailbox (adam, bob, carol, z), and RFC 5957's display names (Bob, carol@x.test, Yolanda, Zed).
        Assert.Equal("* SORT 2 3 4 1", await SortAsync("SORT (FROM) UTF-8 ALL"));
        Assert.Equal("* SORT 3 4 2 1", await SortAsync("SORT (DISPLAYFROM) UTF-8 ALL"));
        Assert.Equal("* SORT 4 3 1 2", await SortAsync("SORT (TO) UTF-8 ALL"));
        // 4 has no To, only 4 a Cc: an empty value sorts first.
        Assert.Equal("* SORT 1 2 3 4", await SortAsync("SORT (CC) UTF-8 ALL"));
        Assert.Equal("* SORT 4 1 2 3", await SortAsync("SORT (REVERSE CC) UTF-8 ALL"));
        // Several keys, the search criteria, UID SORT, and no match.
        Assert.Equal("* SORT 2 3 1 4", await SortAsync("SORT (SUBJECT ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* SORT 2 1 3 4", await SortAsync("SORT (SUBJECT REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Equal("* SORT 2 1 4", await SortAsync("UID SORT (SUBJECT) UTF-8 UNSEEN"));
        Assert.Equal("* SORT", await SortAsync("SORT (SUBJECT) UTF-8 KEYWORD none"));
        // A MODSEQ key: the highest modseq of what is sorted ends the response (RFC 7162 §3.1.9).
        var highest = (await imap.CommandAsync("FETCH 1:* (MODSEQ)")).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\* \d+ FETCH .*MODSEQ \((\d+)\)"))
            .Where(m => m.Success).Max(m => long.Parse(m.Groups[1].Value));
        Assert.Equal($"* SORT 2 1 3 4 (MODSEQ {highest})", await SortAsync("SORT (SUBJECT) UTF-8 MODSEQ 1"));
        Assert.Equal("* SORT", await SortAsync("SORT (SUBJECT) UTF-8 MODSEQ 999999999"));
    }

    [Fact]
    public async Task Bad_criteria_are_bad_and_other_charsets_badcharset()
    {
        var (_, imap) = await FolderAsync();
        await using var _ = imap;
        foreach (var bad in new[] { "SORT (BOGUS) UTF-8 ALL", "SORT SUBJECT UTF-8 ALL", "SORT (REVERSE) UTF-8 ALL", "SORT () UTF-8 ALL", "SORT (SUBJECT) ALL",
                     "SORT (SUBJECT) UTF-8", "SORT (1) UTF-8 ALL", "SORT (CC,DATE) UTF-8 ALL", "SORT (\u017fUBJECT) UTF-8 ALL", "SORT (SUBJECT REVERSE REVERSE DATE) UTF-8 ALL", "SORT (" + string.Join(' ', Enumerable.Repeat("DATE", 21)) + ") UTF-8 ALL" })
            Assert.Matches(@"^T\d+ BAD ", (await imap.CommandAsync(bad))[^1]);
        Assert.Matches(@"^T\d+ NO \[BADCHARSET \(UTF-8 US-ASCII\)\]", (await imap.CommandAsync("SORT (SUBJECT) KOI8-R ALL"))[^1]);
        Assert.Equal("* SORT 2 1 3 4", (await imap.CommandAsync("SORT (SUBJECT) UTF-8 ALL"))[0]);
    }

    [Fact]
    public async Task Mailkit_sorts_with_the_server()
    {
        var (box, imap) = await FolderAsync();
        await imap.DisposeAsync();
        using var client = await server.ImapAsAsync(box);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Sort));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var bySubject = await client.Inbox.SortAsync(SearchQuery.All, [OrderBy.Subject, OrderBy.ReverseArrival]);
        Assert.Equal([2u, 1u, 3u, 4u], bySubject.Select(u => u.Id));
        var byDisplayFrom = await client.Inbox.SortAsync(SearchQuery.NotSeen, [OrderBy.DisplayFrom]);
        Assert.Equal([4u, 2u, 1u], byDisplayFrom.Select(u => u.Id));
    }
}
