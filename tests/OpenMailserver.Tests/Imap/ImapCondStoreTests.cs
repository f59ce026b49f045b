using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>CONDSTORE and QRESYNC (RFC 7162) as clients use them: MODSEQ on every message and HIGHESTMODSEQ on every
/// folder, grown by each change whichever door made it (IMAP, REST, delivery) and kept across a restart; FETCH
/// CHANGEDSINCE, STORE UNCHANGEDSINCE with [MODIFIED], SEARCH MODSEQ, STATUS HIGHESTMODSEQ; and a client that
/// reconnects with SELECT (QRESYNC …) told exactly what vanished and what changed while it was away.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapCondStoreTests(SharedMailServer server)
{
    private static long HighestModSeq(IEnumerable<string> lines) =>
        long.Parse(lines.Select(l => Regex.Match(l, @"^\* OK \[HIGHESTMODSEQ (\d+)\]")).Single(m => m.Success).Groups[1].Value);

    private static void AssertBad(string tagged) => Assert.Matches(@"^T\d+ BAD ", tagged);

    private async Task<TestMailbox> MailboxWithAsync(int messages)
    {
        var box = await server.CreateMailboxAsync();
        await using var setup = await ImapConversation.LoginAsync(server, box);
        for (var i = 1; i <= messages; i++) await setup.AppendAsync("INBOX", $"message {i}");
        // A session takes their \Recent, so those under test show stored flags alone.
        await setup.CommandAsync("SELECT INBOX");
        return box;
    }

    [Fact]
    public async Task Capabilities_enable_and_highestmodseq_in_select_and_status()
    {
        var box = await MailboxWithAsync(2);
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var capability = (await imap.CommandAsync("CAPABILITY"))[0];
        Assert.Contains(" CONDSTORE", capability);
        Assert.Contains(" QRESYNC", capability);
        Assert.Equal(["* ENABLED CONDSTORE QRESYNC", "T3 OK ENABLE completed"], await imap.CommandAsync("ENABLE CONDSTORE QRESYNC X-UNKNOWN"));
        Assert.Equal(["* ENABLED", "T4 OK ENABLE completed"], await imap.CommandAsync("ENABLE QRESYNC"));

        var status = (await imap.CommandAsync("STATUS INBOX (MESSAGES HIGHESTMODSEQ)"))[0];
        Assert.Matches(@"^\* STATUS ""INBOX"" \(MESSAGES 2 HIGHESTMODSEQ \d+\)$", status);
        var highest = long.Parse(Regex.Match(status, @"HIGHESTMODSEQ (\d+)").Groups[1].Value);
        Assert.True(highest >= 2, status);
        Assert.Equal(highest, HighestModSeq(await imap.CommandAsync("EXAMINE INBOX (CONDSTORE)")));
    }

    [Fact]
    public async Task Every_change_raises_modseq_and_fetch_changedsince_returns_only_those()
    {
        var box = await MailboxWithAsync(3);
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var start = HighestModSeq(await imap.CommandAsync("SELECT INBOX (CONDSTORE)"));
        var all = await imap.CommandAsync("FETCH 1:* (MODSEQ)");
        Assert.All(all.SkipLast(1), line => Assert.Matches(@"^\* \d FETCH \(MODSEQ \(\d+\)\)$", line));

        // A change over IMAP, one over REST: two modseqs, each above the last.
        var stored = await imap.CommandAsync("STORE 2 +FLAGS (\\Flagged)");
        // Once CONDSTORE is on, every FETCH carries the UID too (RFC 7162 §3.2.4).
        var afterStore = long.Parse(Regex.Match(stored[0], @"^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \((\d+)\)\)$").Groups[1].Value);
        Assert.True(afterStore > start);
        using var api = server.Rest(box.Key);
        var third = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray().Single(m => m.GetProperty("subject").GetString() == "message 3");
        Assert.True((await api.PatchAsJsonAsync($"/v1/messages/{third.GetProperty("id").GetString()}", new { address = box.Address, seen = true })).IsSuccessStatusCode);

        var noop = await imap.CommandAsync("NOOP");
        var afterRest = long.Parse(Regex.Match(noop[0], @"^\* 3 FETCH \(UID 3 FLAGS \(\\Seen\) MODSEQ \((\d+)\)\)$").Groups[1].Value);
        Assert.True(afterRest > afterStore);

        Assert.Equal([$"* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ ({afterStore}))", $"* 3 FETCH (UID 3 FLAGS (\\Seen) MODSEQ ({afterRest}))", "T6 OK UID FETCH completed"],
            await imap.CommandAsync($"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {start})"));
        Assert.Equal([$"* 3 FETCH (FLAGS (\\Seen) MODSEQ ({afterRest}))", "T7 OK FETCH completed"], await imap.CommandAsync($"FETCH 1:* (FLAGS) (CHANGEDSINCE {afterStore})"));
        Assert.Equal(["T8 OK FETCH completed"], await imap.CommandAsync($"FETCH 1:2 (FLAGS) (CHANGEDSINCE {afterStore})"));

        Assert.Equal([$"* SEARCH 2 3 (MODSEQ {afterRest})", "T9 OK SEARCH completed"], await imap.CommandAsync($"SEARCH MODSEQ {start + 1}"));
        Assert.Equal([$"* SEARCH 3 (MODSEQ {afterRest})", "T10 OK UID SEARCH completed"], await imap.CommandAsync($"UID SEARCH MODSEQ \"/flags/\\\\Seen\" all {afterStore + 1}"));
        Assert.Equal(["* SEARCH", "T11 OK SEARCH completed"], await imap.CommandAsync($"SEARCH MODSEQ {afterRest + 1}"));
        Assert.Equal(afterRest, HighestModSeq(await imap.CommandAsync("SELECT INBOX")));
    }

    [Fact]
    public async Task A_fetch_that_sets_seen_tells_a_condstore_client_the_new_modseq()
    {
        var box = await MailboxWithAsync(1);
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var start = HighestModSeq(await imap.CommandAsync("SELECT INBOX (CONDSTORE)"));
        var lines = await imap.CommandAsync("FETCH 1 (BODY[TEXT])");
        Assert.Contains($"* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ ({start + 1}))", lines);
    }

    [Fact]
    public async Task Unchangedsince_leaves_a_message_another_session_changed_and_names_it_in_modified()
    {
        var box = await MailboxWithAsync(2);
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        var fetched = await a.CommandAsync("UID FETCH 1:2 (MODSEQ)");
        var modseqs = fetched.Where(l => l.Contains(" FETCH (")).Select(l => Regex.Match(l, @"MODSEQ \((\d+)\)")).ToList();
        Assert.True(modseqs.Count == 2 && modseqs.All(m => m.Success), string.Join("\n", fetched));

        // B changes message 1; A's conditional STORE of both, as of what it read, changes message 2 only.
        await b.CommandAsync("STORE 1 +FLAGS (\\Seen)");
        var known = modseqs.Max(m => long.Parse(m.Groups[1].Value));
        var stored = await a.CommandAsync($"UID STORE 1:2 (UNCHANGEDSINCE {known}) +FLAGS.SILENT (\\Deleted)");
        Assert.Matches(@"^\* 2 FETCH \(UID 2 MODSEQ \(\d+\)\)$", stored[0]);
        Assert.Equal("T4 OK [MODIFIED 1] Conditional UID STORE failed for some messages", stored[^1]);
        var flags = await a.CommandAsync("FETCH 1:2 (FLAGS)");
        Assert.Contains(flags, l => l.StartsWith("* 1 FETCH (FLAGS (\\Seen)", StringComparison.Ordinal));
        Assert.Contains(flags, l => l.StartsWith("* 2 FETCH (FLAGS (\\Deleted)", StringComparison.Ordinal));

        // UNCHANGEDSINCE 0 always fails (every message has a modseq); by sequence number, MODIFIED names numbers.
        Assert.Equal("T6 OK [MODIFIED 1:2] Conditional STORE failed for some messages", (await a.CommandAsync("STORE 1:2 (UNCHANGEDSINCE 0) +FLAGS (\\Answered)"))[^1]);
        // A conditional STORE that passes tells the modseq even when .SILENT and nothing changed.
        Assert.Matches(@"^\* 1 FETCH \(UID 1 MODSEQ \(\d+\)\)$", (await a.CommandAsync("STORE 1 (UNCHANGEDSINCE 1000000) +FLAGS.SILENT (\\Seen)"))[0]);
        AssertBad((await a.CommandAsync("STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Answered)"))[^1]);
        AssertBad((await a.CommandAsync("STORE 1 (CHANGED 5) +FLAGS (\\Answered)"))[^1]);
    }

    [Fact]
    public async Task Qresync_is_refused_before_enable_and_expunges_are_told_as_vanished_after()
    {
        var box = await MailboxWithAsync(4);
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        AssertBad((await a.CommandAsync("SELECT INBOX (QRESYNC (1 1))"))[^1]);
        await a.CommandAsync("ENABLE QRESYNC");
        var select = await a.CommandAsync("SELECT INBOX");
        var uidValidity = Regex.Match(string.Join("\n", select), @"UIDVALIDITY (\d+)").Groups[1].Value;
        var start = HighestModSeq(select);
        AssertBad((await a.CommandAsync("FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)"))[^1]);
        AssertBad((await a.CommandAsync("UID FETCH 1:* (FLAGS) (VANISHED)"))[^1]);

        await a.CommandAsync("UID SEARCH RETURN (SAVE) ALL");
        await b.CommandAsync("SELECT INBOX");
        await b.CommandAsync("STORE 2,3 +FLAGS.SILENT (\\Deleted)");
        await b.CommandAsync("EXPUNGE");
        var noop = await a.CommandAsync("NOOP");
        Assert.Equal("* VANISHED 2:3", noop[0]);
        Assert.DoesNotContain(noop, l => l.Contains("EXPUNGE"));

        // A UID FETCH with VANISHED: those removed since, in its set ('$' included).
        var fetched = await a.CommandAsync($"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {start + 1} VANISHED)");
        Assert.Equal("* VANISHED (EARLIER) 2:3", fetched[0]);
        Assert.EndsWith(" OK UID FETCH completed", fetched[1]);
        Assert.Equal("* VANISHED (EARLIER) 2:3", (await a.CommandAsync($"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {start} VANISHED)"))[0]);
        Assert.Equal("* VANISHED (EARLIER) 2:3", (await a.CommandAsync($"UID FETCH $ (FLAGS) (CHANGEDSINCE {start} VANISHED)"))[0]);
        Assert.Equal("* VANISHED (EARLIER) 3", (await a.CommandAsync($"UID FETCH 3:4 (FLAGS) (CHANGEDSINCE {start} VANISHED)"))[0]);

        // A SELECT of another folder says the last one closed; a QRESYNC SELECT of a known state says what changed.
        await b.CommandAsync("STORE 1 +FLAGS (\\Answered)");
        var resync = await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity} {start} 1:4))");
        Assert.Equal("* OK [CLOSED] Previous folder closed", resync[0]);
        Assert.Contains("* VANISHED (EARLIER) 2:3", resync);
        Assert.Contains(resync, l => Regex.IsMatch(l, @"^\* 1 FETCH \(UID 1 FLAGS \(\\Answered\) MODSEQ \(\d+\)\)$"));
        Assert.DoesNotContain(resync, l => l.Contains("UID 4 "));
        // Known UIDs limit what vanished and what changed is told; another UIDVALIDITY tells nothing.
        Assert.DoesNotContain(await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity} {start} 1,4))"), l => l.Contains("VANISHED"));
        Assert.DoesNotContain(await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity} {start} 4))"), l => l.Contains("VANISHED") || l.Contains("FETCH"));
        Assert.DoesNotContain(await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity}9 {start}))"), l => l.Contains("VANISHED") || l.Contains("FETCH"));
        AssertBad((await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity} 0))"))[^1]);
        AssertBad((await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity} {start} 1:*))"))[^1]);
        Assert.EndsWith("SELECT completed", (await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity} {start} 1:4 (1:2 1,4)) CONDSTORE)"))[^1]);
        AssertBad((await a.CommandAsync($"SELECT INBOX (QRESYNC ({uidValidity} {start} 1:4 (1:2)))"))[^1]);

        // Its own EXPUNGE: VANISHED, and the tagged OK says the new HIGHESTMODSEQ (RFC 7162 §3.2.7).
        await a.CommandAsync("SELECT INBOX");
        await a.CommandAsync("STORE 2 +FLAGS.SILENT (\\Deleted)");
        var expunged = await a.CommandAsync("EXPUNGE");
        Assert.Equal("* VANISHED 4", expunged[0]);
        var after = HighestModSeq(await b.CommandAsync("EXAMINE INBOX"));
        Assert.EndsWith($" OK [HIGHESTMODSEQ {after}] EXPUNGE completed", expunged[^1]);
    }

    [Fact]
    public async Task Changes_since_a_modseq_are_read_page_by_page_and_each_is_told_once()
    {
        var box = await server.CreateMailboxAsync();
        var messages = Enumerable.Range(0, 1200).Select(i => new { raw = System.Text.Encoding.ASCII.GetBytes($"Subject: bulk {i}\r\n\r\nbody\r\n"), key = $"k{i}" }).ToArray();
        using (var admin = server.Rest(server.AdminKey))
            foreach (var batch in messages.Chunk(600)) await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/import", new { messages = batch });
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var start = HighestModSeq(await imap.CommandAsync("SELECT INBOX (CONDSTORE)"));
        // One write changes all of them: they share one modseq.
        var stored = await imap.CommandAsync("STORE 1:* +FLAGS.SILENT (\\Flagged)");
        Assert.Equal(1200, stored.Count(l => l.Contains(" FETCH (UID ")));
        Assert.Single(stored.Where(l => l.Contains(" FETCH (")).Select(l => Regex.Match(l, @"MODSEQ \((\d+)\)").Groups[1].Value).Distinct());
        await imap.CommandAsync("STORE 7 -FLAGS (\\Flagged)");

        var changed = (await imap.CommandAsync($"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {start})")).Where(l => l.Contains(" FETCH (")).ToList();
        Assert.Equal(1200, changed.Count);
        Assert.Equal(1200, changed.Select(l => Regex.Match(l, @"UID (\d+)").Groups[1].Value).Distinct().Count());
        Assert.Contains(changed, l => Regex.IsMatch(l, @"^\* 7 FETCH \(UID 7 FLAGS \(\\Recent\) MODSEQ"));
    }

    /// <summary>The acceptance test of RFC 7162 with a real client: MailKit syncs a folder, goes away, the folder
    /// changes through REST and another IMAP session, the server restarts, and MailKit's QRESYNC SELECT learns
    /// exactly the UIDs that vanished and the flags that changed.</summary>
    [Fact]
    public async Task A_mailkit_client_resyncs_with_qresync_after_changes_from_rest_and_imap_and_a_restart()
    {
        var directory = TestPaths.NewTempDirectory();
        TestMailbox box;
        uint uidValidity;
        ulong highest;
        IList<UniqueId> known;
        long beforeRestart;
        await using (var first = new MailServer(dataDirectory: directory))
        {
            box = await first.CreateMailboxAsync();
            await using (var setup = await ImapConversation.LoginAsync(first, box))
                for (var i = 1; i <= 6; i++) await setup.AppendAsync("INBOX", $"message {i}");

            using (var client = await first.ImapAsAsync(box))
            {
                Assert.True(client.Capabilities.HasFlag(ImapCapabilities.QuickResync));
                await client.EnableQuickResyncAsync();
                await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
                (uidValidity, highest) = (client.Inbox.UidValidity, client.Inbox.HighestModSeq);
                known = await client.Inbox.SearchAsync(SearchQuery.All);
                Assert.Equal(6, known.Count);
                await client.DisconnectAsync(true);
            }

            // While it is away: REST marks message 2 read and deletes message 3; another IMAP session flags 4 and
            // expunges 5.
            using var api = first.Rest(box.Key);
            var messages = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()
                .ToDictionary(m => m.GetProperty("subject").GetString()!, m => m.GetProperty("id").GetString()!);
            Assert.True((await api.PatchAsJsonAsync($"/v1/messages/{messages["message 2"]}", new { address = box.Address, seen = true })).IsSuccessStatusCode);
            Assert.True((await api.DeleteAsync($"/v1/messages/{messages["message 3"]}?address={box.Address}")).IsSuccessStatusCode);
            await using var other = await ImapConversation.LoginAsync(first, box);
            await other.CommandAsync("SELECT INBOX");
            await other.CommandAsync("UID STORE 4 +FLAGS (\\Flagged)");
            await other.CommandAsync("UID STORE 5 +FLAGS (\\Deleted)");
            await other.CommandAsync("UID EXPUNGE 5");
            beforeRestart = long.Parse(Regex.Match((await other.CommandAsync("STATUS INBOX (HIGHESTMODSEQ)"))[0], @"HIGHESTMODSEQ (\d+)").Groups[1].Value);
        }

        await using var second = new MailServer(dataDirectory: directory);
        using var resync = await second.ImapAsAsync(box);
        await resync.EnableQuickResyncAsync();
        var vanished = new List<UniqueId>();
        var changed = new Dictionary<uint, (MessageFlags Flags, ulong? ModSeq)>();
        resync.Inbox.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        resync.Inbox.MessageFlagsChanged += (_, e) => changed[e.UniqueId!.Value.Id] = (e.Flags, e.ModSeq);
        await resync.Inbox.OpenAsync(FolderAccess.ReadWrite, uidValidity, highest, known);

        Assert.Equal([3u, 5u], vanished.Select(u => u.Id).Order());
        Assert.Equal([2u, 4u], changed.Keys.Order());
        Assert.Equal(MessageFlags.Seen, changed[2].Flags);
        Assert.Equal(MessageFlags.Flagged, changed[4].Flags);
        Assert.All(changed.Values, c => Assert.True(c.ModSeq > highest));
        // Kept across the restart.
        Assert.Equal((ulong)beforeRestart, resync.Inbox.HighestModSeq);
        Assert.True(resync.Inbox.HighestModSeq >= changed.Values.Max(c => c.ModSeq!.Value));
        Assert.Equal(4, resync.Inbox.Count);
        await resync.DisconnectAsync(true);
    }
}
