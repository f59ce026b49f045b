using System.Net.Http.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>STORE, EXPUNGE, CLOSE and MOVE act on the flags stored in the database when they run, not on
/// what a session last saw, so a change made meanwhile by another session or the API is never lost; and a
/// keyword is announced with FLAGS before any FETCH shows it.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapFlagChangeTests(SharedMailServer server)
{
    /// <summary>Appends messages (one per subject) and lets a throw-away session take their \Recent, so the
    /// sessions under test show flags without it.</summary>
    private async Task<TestMailbox> MailboxWithAsync(params (string Subject, string Flags)[] messages)
    {
        var box = await server.CreateMailboxAsync();
        await using var setup = await ImapConversation.LoginAsync(server, box);
        foreach (var (subject, flags) in messages) await setup.AppendAsync("INBOX", subject, flags);
        await setup.CommandAsync("SELECT INBOX");
        return box;
    }

    [Fact]
    public async Task Plus_and_minus_flags_from_two_sessions_both_take_effect()
    {
        var box = await MailboxWithAsync(("one", "\\Seen"));
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");

        Assert.Equal(["* 1 FETCH (FLAGS (\\Answered \\Seen))", "T3 OK STORE completed"], await a.CommandAsync("STORE 1 +FLAGS (\\Answered)"));
        // B last saw (\Seen): removing \Seen keeps the \Answered A set, and B is shown the flags as stored.
        Assert.Equal(["* 1 FETCH (FLAGS (\\Answered))", "T3 OK STORE completed"], await b.CommandAsync("STORE 1 -FLAGS (\\Seen)"));
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Answered))", "T4 OK NOOP completed"], await a.CommandAsync("NOOP"));

        using var api = server.Rest(box.Key);
        var summary = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0];
        Assert.Equal(["\\Answered"], summary.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Fact]
    public async Task Silent_store_still_reports_flags_another_door_changed()
    {
        var box = await MailboxWithAsync(("one", ""));
        await using var a = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        using var api = server.Rest(box.Key);
        var id = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0].GetProperty("id").GetString();
        Assert.True((await api.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, flagged = true })).IsSuccessStatusCode);

        Assert.Equal(["* 1 FETCH (FLAGS (\\Flagged \\Seen))", "T3 OK STORE completed"], await a.CommandAsync("STORE 1 +FLAGS.SILENT (\\Seen)"));
        Assert.Equal(["T4 OK STORE completed"], await a.CommandAsync("STORE 1 +FLAGS.SILENT (\\Answered)"));
    }

    [Fact]
    public async Task Rest_changes_apply_to_the_stored_flags_and_keep_what_imap_set()
    {
        var box = await MailboxWithAsync(("one", ""));
        await using var a = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        using var api = server.Rest(box.Key);
        var id = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0].GetProperty("id").GetString();

        await a.CommandAsync("STORE 1 +FLAGS (\\Flagged $Work)");
        var patched = await api.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, seen = true, add_labels = new[] { "invoices" }, remove_labels = new[] { "$Work" } });
        Assert.True(patched.IsSuccessStatusCode);
        var summary = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0];
        Assert.Equal(["\\Flagged", "\\Seen", "invoices"], summary.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray());

        // The new keyword is announced before the FETCH that shows it (RFC 3501 §7.2.6).
        Assert.Equal([
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work invoices)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work invoices \\*)] Flags permitted",
            "* 1 FETCH (UID 1 FLAGS (\\Flagged \\Seen invoices))",
            "T4 OK NOOP completed"], await a.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Another_session_is_told_of_a_new_keyword_before_it_sees_it()
    {
        var box = await MailboxWithAsync(("one", ""));
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        Assert.Contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", await b.CommandAsync("SELECT INBOX"));
        await a.CommandAsync("STORE 1 +FLAGS ($Later)");
        Assert.Equal([
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later \\*)] Flags permitted",
            "* 1 FETCH (UID 1 FLAGS ($Later))",
            "T3 OK NOOP completed"], await b.CommandAsync("NOOP"));
        // Selected afresh, the keyword is in the first FLAGS.
        Assert.Contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)", await b.CommandAsync("SELECT INBOX"));
    }

    [Fact]
    public async Task Expunge_removes_what_is_deleted_in_the_database_not_what_the_session_saw()
    {
        var box = await MailboxWithAsync(("one", ""), ("two", ""));
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");

        Assert.Equal(["T3 OK STORE completed"], await a.CommandAsync("STORE 1 +FLAGS.SILENT (\\Deleted)"));
        // B undeletes message 1 and deletes message 2, which A does not know yet.
        Assert.Equal(["* 1 FETCH (FLAGS ())", "T3 OK STORE completed"], await b.CommandAsync("STORE 1 -FLAGS (\\Deleted)"));
        Assert.Equal(["* 2 FETCH (FLAGS (\\Deleted))", "T4 OK STORE completed"], await b.CommandAsync("STORE 2 +FLAGS (\\Deleted)"));

        Assert.Equal(["* 2 EXPUNGE", "* 1 FETCH (UID 1 FLAGS ())", "T4 OK EXPUNGE completed"], await a.CommandAsync("EXPUNGE"));
        Assert.Equal(["* SEARCH 1", "T5 OK UID SEARCH completed"], await a.CommandAsync("UID SEARCH ALL"));
        Assert.Equal(["* 2 EXPUNGE", "T5 OK NOOP completed"], await b.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Uid_expunge_and_close_act_on_the_stored_flags_too()
    {
        var box = await MailboxWithAsync(("one", "\\Deleted"), ("two", "\\Deleted"), ("three", ""));
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        await b.CommandAsync("STORE 1 -FLAGS (\\Deleted)");

        // A still sees 1 as \Deleted: UID EXPUNGE 1:2 removes only 2.
        Assert.Equal(["* 2 EXPUNGE", "* 1 FETCH (UID 1 FLAGS ())", "T3 OK UID EXPUNGE completed"], await a.CommandAsync("UID EXPUNGE 1:2"));
        await b.CommandAsync("UID STORE 3 +FLAGS (\\Deleted)");
        // CLOSE expunges 3, which A never saw deleted, and keeps 1.
        Assert.Equal(["T4 OK CLOSE completed"], await a.CommandAsync("CLOSE"));
        var remaining = await a.CommandAsync("STATUS INBOX (MESSAGES)");
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 1)", remaining[0]);
    }

    [Fact]
    public async Task Move_carries_the_flags_as_stored()
    {
        var box = await MailboxWithAsync(("one", ""));
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("CREATE Archive");
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        await b.CommandAsync("STORE 1 +FLAGS (\\Flagged)");
        Assert.Contains(" OK ", (await a.CommandAsync("UID MOVE 1 Archive")).Last());
        await a.CommandAsync("EXAMINE Archive");
        Assert.Equal("* 1 FETCH (FLAGS (\\Flagged \\Recent))", (await a.CommandAsync("FETCH 1 FLAGS"))[0]);
    }
}
