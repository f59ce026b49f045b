using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>\Recent as RFC 3501 §2.3.2 defines it: a new message is recent in exactly one session, the
/// first to select its folder after it arrived or the one that had it selected then; EXAMINE looks without
/// taking it. RECENT, NEW and OLD search by it.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapRecentTests(SharedMailServer server)
{
    [Fact]
    public async Task Only_the_first_session_to_select_sees_a_new_message_as_recent()
    {
        var box = await server.CreateMailboxAsync();
        await using var setup = await ImapConversation.LoginAsync(server, box);
        await setup.AppendAsync("INBOX", "old", "\\Seen");
        await setup.CommandAsync("SELECT INBOX");
        await setup.CommandAsync("CLOSE");
        await setup.AppendAsync("INBOX", "new");
        await setup.AppendAsync("INBOX", "new but read", "\\Seen");

        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        Assert.Contains("* 2 RECENT", await a.CommandAsync("SELECT INBOX"));
        Assert.Equal("* 1 FETCH (FLAGS (\\Seen))", (await a.CommandAsync("FETCH 1 FLAGS"))[0]);
        Assert.Equal("* 2 FETCH (FLAGS (\\Recent))", (await a.CommandAsync("FETCH 2 FLAGS"))[0]);
        Assert.Equal(["* SEARCH 2 3", "T5 OK SEARCH completed"], await a.CommandAsync("SEARCH RECENT"));
        Assert.Equal(["* SEARCH 2", "T6 OK SEARCH completed"], await a.CommandAsync("SEARCH NEW"));
        Assert.Equal(["* SEARCH 1", "T7 OK SEARCH completed"], await a.CommandAsync("SEARCH OLD"));

        var select = await b.CommandAsync("SELECT INBOX");
        Assert.Contains("* 3 EXISTS", select);
        Assert.Contains("* 0 RECENT", select);
        Assert.Equal(["* SEARCH", "T3 OK SEARCH completed"], await b.CommandAsync("SEARCH RECENT"));
        Assert.Equal(["* SEARCH 1 2 3", "T4 OK SEARCH completed"], await b.CommandAsync("SEARCH OLD"));
        Assert.Equal("* STATUS \"INBOX\" (RECENT 0)", (await setup.CommandAsync("STATUS INBOX (RECENT)"))[0]);
        // A keeps them recent for as long as it has the folder selected.
        Assert.Equal(["* SEARCH 2 3", "T8 OK SEARCH completed"], await a.CommandAsync("SEARCH RECENT"));
    }

    [Fact]
    public async Task Examine_shows_recent_without_taking_it()
    {
        var box = await server.CreateMailboxAsync();
        await using var setup = await ImapConversation.LoginAsync(server, box);
        await setup.AppendAsync("INBOX", "new");
        Assert.Equal("* STATUS \"INBOX\" (RECENT 1)", (await setup.CommandAsync("STATUS INBOX (RECENT)"))[0]);

        await using var a = await ImapConversation.LoginAsync(server, box);
        Assert.Contains("* 1 RECENT", await a.CommandAsync("EXAMINE INBOX"));
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", (await a.CommandAsync("FETCH 1 FLAGS"))[0]);
        Assert.Contains("* 1 RECENT", await setup.CommandAsync("SELECT INBOX"));
        Assert.Contains("* 0 RECENT", await a.CommandAsync("EXAMINE INBOX"));
    }

    [Fact]
    public async Task A_message_arriving_while_two_sessions_have_the_folder_selected_is_recent_in_one()
    {
        var box = await server.CreateMailboxAsync();
        await using var a = await ImapConversation.LoginAsync(server, box);
        await using var b = await ImapConversation.LoginAsync(server, box);
        await a.CommandAsync("SELECT INBOX");
        await b.CommandAsync("SELECT INBOX");
        using (var api = server.Rest(box.Key))
            await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "hello", text_body = "x" });

        Assert.Equal(["* 1 EXISTS", "* 1 RECENT", "T3 OK NOOP completed"], await a.CommandAsync("NOOP"));
        Assert.Equal(["* 1 EXISTS", "* 0 RECENT", "T3 OK NOOP completed"], await b.CommandAsync("NOOP"));
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", (await a.CommandAsync("FETCH 1 FLAGS"))[0]);
        Assert.Equal("* 1 FETCH (FLAGS ())", (await b.CommandAsync("FETCH 1 FLAGS"))[0]);

        await using var c = await ImapConversation.LoginAsync(server, box);
        Assert.Contains("* 0 RECENT", await c.CommandAsync("SELECT INBOX"));
    }
}
