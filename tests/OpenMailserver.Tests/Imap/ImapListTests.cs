using System.Diagnostics;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>LIST and LSUB as RFC 3501 §6.3.8–6.3.9 and RFC 5258 (LIST-EXTENDED) say: subscriptions are names
/// a user chooses, they outlive their folder, RECURSIVEMATCH reports subscribed descendants with CHILDINFO,
/// and no pattern can make matching slow.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapListTests(SharedMailServer server)
{
    [Fact]
    public async Task Create_does_not_subscribe_and_subscribe_does()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("CREATE Projects");
        Assert.Equal(["T3 OK LSUB completed"], await imap.CommandAsync("LSUB \"\" Projects"));
        Assert.Equal(["T4 OK LIST completed"], await imap.CommandAsync("LIST (SUBSCRIBED) \"\" Projects"));
        Assert.Equal("T5 OK SUBSCRIBE completed", (await imap.CommandAsync("SUBSCRIBE Projects")).Last());
        Assert.Equal(["* LSUB (\\HasNoChildren) \"/\" \"Projects\"", "T6 OK LSUB completed"], await imap.CommandAsync("LSUB \"\" Projects"));
        Assert.Equal(["* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Projects\"", "T7 OK LIST completed"],
            await imap.CommandAsync("LIST (SUBSCRIBED) \"\" Projects"));
        // The standard folders start subscribed.
        Assert.Equal(["* LSUB (\\HasNoChildren) \"/\" \"INBOX\"", "T8 OK LSUB completed"], await imap.CommandAsync("LSUB \"\" INBOX"));
    }

    [Fact]
    public async Task Lsub_with_percent_shows_an_unsubscribed_parent_of_a_subscribed_child_as_noselect()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("CREATE Work/Reports");
        await imap.CommandAsync("SUBSCRIBE Work/Reports");
        Assert.Equal(["* LSUB (\\Noselect \\HasChildren) \"/\" \"Work\"", "T4 OK LSUB completed"], await imap.CommandAsync("LSUB \"\" W%"));
        Assert.Equal(["* LSUB (\\HasNoChildren) \"/\" \"Work/Reports\"", "T5 OK LSUB completed"], await imap.CommandAsync("LSUB \"\" Work/%"));
        Assert.Equal(["* LSUB (\\HasNoChildren) \"/\" \"Work/Reports\"", "T6 OK LSUB completed"], await imap.CommandAsync("LSUB \"\" W*"));
    }

    [Fact]
    public async Task A_deleted_folder_that_is_still_subscribed_is_listed_nonexistent()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("CREATE Old");
        await imap.CommandAsync("SUBSCRIBE Old");
        await imap.CommandAsync("DELETE Old");
        Assert.Equal(["* LIST (\\NonExistent \\Subscribed) \"/\" \"Old\"", "T5 OK LIST completed"], await imap.CommandAsync("LIST (SUBSCRIBED) \"\" Old"));
        Assert.Equal(["T6 OK LIST completed"], await imap.CommandAsync("LIST \"\" Old"));
        Assert.Equal(["* LSUB (\\Noselect) \"/\" \"Old\"", "T7 OK LSUB completed"], await imap.CommandAsync("LSUB \"\" Old"));
        Assert.Equal("T8 OK UNSUBSCRIBE completed", (await imap.CommandAsync("UNSUBSCRIBE Old")).Last());
        Assert.Equal(["T9 OK LIST completed"], await imap.CommandAsync("LIST (SUBSCRIBED) \"\" Old"));
    }

    [Fact]
    public async Task Recursivematch_reports_subscribed_children_with_childinfo()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("CREATE Foo/Bar");
        await imap.CommandAsync("SUBSCRIBE Foo/Bar");
        Assert.Equal(["T4 OK LIST completed"], await imap.CommandAsync("LIST (SUBSCRIBED) \"\" F%"));
        Assert.Equal(["* LIST (\\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))", "T5 OK LIST completed"],
            await imap.CommandAsync("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" F%"));
        Assert.Equal(["* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\"", "T6 OK LIST completed"],
            await imap.CommandAsync("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" Foo/%"));
        await imap.CommandAsync("SUBSCRIBE Foo");
        Assert.Equal(["* LIST (\\HasChildren \\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))", "T8 OK LIST completed"],
            await imap.CommandAsync("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" F%"));
    }

    [Fact]
    public async Task Recursivematch_alone_is_bad()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.StartsWith("T2 BAD ", (await imap.CommandAsync("LIST (RECURSIVEMATCH) \"\" \"\"")).Last());
        Assert.StartsWith("T3 BAD ", (await imap.CommandAsync("LIST (RECURSIVEMATCH REMOTE) \"\" \"*\"")).Last());
        Assert.Equal("T4 OK LIST completed", (await imap.CommandAsync("LIST (REMOTE) \"\" \"\"")).Last());
    }

    [Fact]
    public async Task A_hostile_pattern_against_a_long_name_answers_at_once_and_keeps_the_session()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var name = new string('a', 250);
        Assert.Equal("T2 OK CREATE completed", (await imap.CommandAsync($"CREATE {name}")).Last());
        var pattern = string.Concat(Enumerable.Repeat("*a", 120)) + "X";
        var clock = Stopwatch.StartNew();
        Assert.Equal(["T3 OK LIST completed"], await imap.CommandAsync($"LIST \"\" \"{pattern}\""));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"took {clock.Elapsed}");
        Assert.Equal([$"* LIST (\\HasNoChildren) \"/\" \"{name}\"", "T4 OK LIST completed"], await imap.CommandAsync($"LIST \"\" \"aa*a%\""));
        Assert.Equal(["T5 OK NOOP completed"], await imap.CommandAsync("NOOP"));
    }
}
