using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>IMAP4rev2 (RFC 9051) beside IMAP4rev1: a client that sends ENABLE IMAP4rev2 gets every SEARCH as ESEARCH,
/// no \Recent (nor RECENT counts), a LIST line in SELECT, and folder names in UTF-8; a client that does not gets
/// IMAP4rev1's answers, on the same folders at the same time.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapRev2Tests(SharedMailServer server)
{
    private static List<string> Untagged(List<string> lines) => lines.SkipLast(1).ToList();

    [Fact]
    public async Task Enabled_it_answers_search_with_esearch_and_shows_no_recent()
    {
        var box = await server.CreateMailboxAsync();
        await using var rev1 = await ImapConversation.LoginAsync(server, box);
        for (var i = 1; i <= 3; i++) await rev1.AppendAsync("INBOX", $"message {i}", i == 2 ? "\\Seen" : "");
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var capability = (await imap.CommandAsync("CAPABILITY"))[0];
        Assert.Contains(" IMAP4rev1 IMAP4rev2 ", capability);

        Assert.Equal(["* ENABLED IMAP4rev2", "T3 OK ENABLE completed"], await imap.CommandAsync("ENABLE imap4rev2"));
        Assert.Equal(["* ENABLED", "T4 OK ENABLE completed"], await imap.CommandAsync("ENABLE IMAP4rev2"));
        // The capability list does not change with ENABLE (RFC 9051 §6.3.1).
        Assert.Equal(capability, (await imap.CommandAsync("CAPABILITY"))[0]);

        var select = Untagged(await imap.CommandAsync("SELECT INBOX"));
        Assert.Contains("* 3 EXISTS", select);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\"", select);
        Assert.DoesNotContain(select, l => l.Contains("RECENT") || l.Contains("[UNSEEN") || l.Contains("\\Recent"));
        Assert.DoesNotContain(Untagged(await imap.CommandAsync("FETCH 1:* FLAGS")), l => l.Contains("\\Recent"));

        Assert.Equal(["* ESEARCH (TAG \"T8\") ALL 1,3", "T8 OK SEARCH completed"], await imap.CommandAsync("SEARCH UNSEEN"));
        Assert.Equal(["* ESEARCH (TAG \"T9\") UID ALL 1:3", "T9 OK UID SEARCH completed"], await imap.CommandAsync("UID SEARCH ALL"));
        Assert.Equal(["* ESEARCH (TAG \"T10\")", "T10 OK SEARCH completed"], await imap.CommandAsync("SEARCH KEYWORD nothing"));
        Assert.Equal(["* ESEARCH (TAG \"T11\") COUNT 2", "T11 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (COUNT) UNSEEN"));
        Assert.Equal(["T12 OK SEARCH completed"], await imap.CommandAsync("SEARCH RETURN (SAVE) SEEN"));
        Assert.Equal(["* 2 FETCH (UID 2)", "T13 OK FETCH completed"], await imap.CommandAsync("FETCH $ UID"));

        // An arrival is told by EXISTS alone.
        await rev1.AppendAsync("INBOX", "message 4");
        Assert.Equal(["* 4 EXISTS", "T14 OK NOOP completed"], await imap.CommandAsync("NOOP"));

        // The IMAP4rev1 session still has the arrivals as recent (the IMAP4rev2 one took none), and its SEARCH is RFC 3501's.
        var rev1Select = Untagged(await rev1.CommandAsync("SELECT INBOX"));
        Assert.Contains("* 4 RECENT", rev1Select);
        Assert.Contains("* OK [UNSEEN 1] First unseen", rev1Select);
        Assert.DoesNotContain(rev1Select, l => l.StartsWith("* LIST", StringComparison.Ordinal));
        Assert.Equal("* SEARCH 1 3 4", (await rev1.CommandAsync("SEARCH UNSEEN"))[0]);
    }

    [Fact]
    public async Task Enabled_while_a_folder_is_selected_it_forgets_the_recent_flags()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.AppendAsync("INBOX", "one");
        Assert.Contains("* 1 RECENT", await imap.CommandAsync("SELECT INBOX"));
        Assert.Contains("\\Recent", (await imap.CommandAsync("FETCH 1 FLAGS"))[0]);
        await imap.CommandAsync("ENABLE IMAP4rev2");
        Assert.Equal("* 1 FETCH (FLAGS ())", (await imap.CommandAsync("FETCH 1 FLAGS"))[0]);
        Assert.Equal(["* ESEARCH (TAG \"T6\")", "T6 OK SEARCH completed"], await imap.CommandAsync("SEARCH RECENT"));
    }

    [Fact]
    public async Task Folder_names_travel_as_utf8_once_enabled_and_as_modified_utf7_before()
    {
        var box = await server.CreateMailboxAsync();
        await using var rev1 = await ImapConversation.LoginAsync(server, box);
        await using var rev2 = await ImapConversation.LoginAsync(server, box);
        await rev2.CommandAsync("ENABLE IMAP4rev2");

        // A name with an '&', which modified UTF-7 writes "&-", and a non-ASCII letter, sent as a UTF-8 literal.
        var name = "Reçus & Co";
        var bytes = Encoding.UTF8.GetByteCount(name);
        await rev2.SendAsync($"A1 CREATE {{{bytes}+}}\r\n{name}\r\n");
        Assert.Equal("A1 OK CREATE completed", (await rev2.UntilTaggedAsync("A1"))[^1]);

        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" {{{bytes}}}\r\n{name}", await rev2.CommandAsync("LIST \"\" \"Re*\""));
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"Re&AOc-us &- Co\"", await rev1.CommandAsync("LIST \"\" \"Re*\""));

        // Each names the same folder in its own form.
        await rev1.AppendAsync("\"Re&AOc-us &- Co\"", "filed");
        await rev2.SendAsync($"A2 STATUS {{{bytes}+}}\r\n{name} (MESSAGES)\r\n");
        Assert.Equal($"* STATUS {{{bytes}}}\r\n{name} (MESSAGES 1)", (await rev2.UntilTaggedAsync("A2"))[0]);
        // To an IMAP4rev2 client "&-" is two characters of a name, not an '&'.
        Assert.Matches(@"^T\d+ NO \[NONEXISTENT\]", (await rev2.CommandAsync("SELECT \"Re&AOc-us &- Co\""))[^1]);
        var select = await rev2.CommandAsync("SELECT \"Reçus & Co\"");
        Assert.Contains("* 1 EXISTS", select);
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" {{{bytes}}}\r\n{name}", select);
    }

    [Fact]
    public async Task Names_that_are_not_nfc_unicode_are_refused_and_echoed_on_one_line()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("ENABLE IMAP4rev2");
        async Task<List<string>> CreateAsync(string tag, byte[] name)
        {
            await imap.SendAsync([.. Encoding.ASCII.GetBytes($"{tag} CREATE {{{name.Length}+}}\r\n"), .. name, .. "\r\n"u8]);
            return await imap.UntilTaggedAsync(tag);
        }
        // Bytes that are not UTF-8; a decomposed "é" (not NFC); a line break inside a literal, which the reply echoes as '?'.
        Assert.StartsWith("A1 NO [CANNOT]", Assert.Single(await CreateAsync("A1", [(byte)'x', 0xFF, 0xFE])));
        Assert.StartsWith("A2 NO [CANNOT]", Assert.Single(await CreateAsync("A2", Encoding.UTF8.GetBytes("Cafe\u0301"))));
        Assert.Equal("A3 NO [CANNOT] \"a??* OK injected\" is not a valid folder name", Assert.Single(await CreateAsync("A3", "a\r\n* OK injected"u8.ToArray())));
        Assert.Equal("A4 OK CREATE completed", Assert.Single(await CreateAsync("A4", Encoding.UTF8.GetBytes("Caf\u00e9"))));
        Assert.DoesNotContain(await imap.CommandAsync("LIST \"\" *"), l => l.Contains('\uFFFD') || l.Contains("injected"));
    }

    [Fact]
    public async Task Select_lists_the_folder_with_its_attributes_status_has_no_recent_and_silent_stores_carry_uid()
    {
        var box = await server.CreateMailboxAsync();
        await using var rev1 = await ImapConversation.LoginAsync(server, box);
        await rev1.AppendAsync("INBOX", "one");
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("ENABLE IMAP4rev2");
        Assert.Contains("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", await imap.CommandAsync("EXAMINE Sent"));
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 1 RECENT 0)", (await imap.CommandAsync("STATUS INBOX (MESSAGES RECENT)"))[0]);

        await imap.CommandAsync("SELECT INBOX");
        await rev1.CommandAsync("SELECT INBOX");
        await rev1.CommandAsync("STORE 1 +FLAGS (\\Flagged)");
        // The flag another session set is news to this one: told with the UID, though the STORE is silent.
        Assert.Contains("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Seen))", await imap.CommandAsync("STORE 1 +FLAGS.SILENT (\\Seen)"));
    }
}
