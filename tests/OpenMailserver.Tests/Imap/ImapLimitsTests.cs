using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>What a hostile client can send is bounded, and what it can make us send is streamed: nesting,
/// literals before and after login, FETCH items, bad-command floods, and the edges of the grammar
/// (UID 4294967295, names starting with '~', valid names no folder can have).</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapLimitsTests(SharedMailServer server)
{
    private async Task<ImapConversation> SelectedAsync(params string[] messages)
    {
        var box = await server.CreateMailboxAsync();
        var imap = await ImapConversation.LoginAsync(server, box);
        foreach (var message in messages)
        {
            var bytes = Encoding.ASCII.GetByteCount(message);
            await imap.SendAsync($"A APPEND INBOX {{{bytes}+}}\r\n{message}\r\n");
            Assert.StartsWith("A OK [APPENDUID", (await imap.UntilTaggedAsync("A")).Last());
        }
        Assert.EndsWith("OK [READ-WRITE] SELECT completed", (await imap.CommandAsync("SELECT INBOX")).Last());
        return imap;
    }

    [Fact]
    public async Task Search_nested_ten_thousand_deep_is_bad_and_the_server_answers_the_next_command()
    {
        await using var imap = await SelectedAsync("Subject: one\r\n\r\nbody\r\n");
        var parentheses = (await imap.CommandAsync("SEARCH " + new string('(', 10_000) + "ALL" + new string(')', 10_000))).Last();
        Assert.Equal("T3 BAD Search criteria nest more than 100 levels deep (parentheses, NOT and OR)", parentheses);
        var nots = (await imap.CommandAsync("SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 16_000)) + "ALL")).Last();
        Assert.Equal("T4 BAD Search criteria nest more than 100 levels deep (parentheses, NOT and OR)", nots);
        var ors = (await imap.CommandAsync("SEARCH " + string.Concat(Enumerable.Repeat("OR ALL ", 5_000)) + "ALL")).Last();
        Assert.Equal("T5 BAD Search criteria nest more than 100 levels deep (parentheses, NOT and OR)", ors);
        Assert.Equal(["* SEARCH 1", "T6 OK SEARCH completed"], await imap.CommandAsync("SEARCH " + new string('(', 100) + "ALL" + new string(')', 100)));
        Assert.Equal(["* SEARCH", "T7 OK SEARCH completed"], await imap.CommandAsync("SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 99)) + "ALL"));
        Assert.Equal("T8 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }

    [Fact]
    public async Task Bodystructure_of_five_thousand_nested_multiparts_stops_at_the_nesting_bound()
    {
        var message = new StringBuilder("Subject: deep\r\n");
        const int depth = 5_000;
        for (var i = 0; i < depth; i++) message.Append($"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n");
        message.Append("Content-Type: text/plain\r\n\r\nx\r\n");
        for (var i = depth - 1; i >= 0; i--) message.Append($"--b{i}--\r\n");
        await using var imap = await SelectedAsync(message.ToString());

        var reply = await imap.CommandAsync("FETCH 1 BODYSTRUCTURE");
        Assert.Equal("T3 OK FETCH completed", reply.Last());
        Assert.StartsWith("* 1 FETCH (BODYSTRUCTURE " + new string('(', 100) + "(\"application\" \"octet-stream\" NIL NIL NIL \"7bit\" ", reply[0]);
        Assert.Equal(100, reply[0].Split("\"mixed\"").Length - 1);
        Assert.StartsWith("* 1 FETCH (BODY " + new string('(', 100) + "(\"application\" \"octet-stream\" NIL NIL NIL \"7bit\" ", (await imap.CommandAsync("FETCH 1 BODY"))[0]);
        // SEARCH parses the whole message too.
        Assert.Equal("T5 OK SEARCH completed", (await imap.CommandAsync("SEARCH BODY x")).Last());
        Assert.Equal("T6 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }

    [Fact]
    public async Task Fetch_takes_at_most_the_configured_items_and_streams_large_sections_intact()
    {
        // Larger than the size from which literals are streamed rather than buffered.
        var body = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i:D5} of a body sent in one go\r\n"));
        var message = "Subject: big\r\n\r\n" + body;
        await using var imap = await SelectedAsync(message);

        var tooMany = (await imap.CommandAsync("FETCH 1 (" + string.Join(' ', Enumerable.Repeat("BODY.PEEK[]", 101)) + ")")).Last();
        Assert.Equal("T3 BAD FETCH takes at most 100 data items", tooMany);
        var fields = (await imap.CommandAsync("FETCH 1 BODY.PEEK[HEADER.FIELDS (" + string.Join(' ', Enumerable.Range(0, 101).Select(i => "X-" + i)) + ")]")).Last();
        Assert.Equal("T4 BAD HEADER.FIELDS takes at most 100 header names", fields);

        var reply = await imap.CommandAsync("FETCH 1 (BODY.PEEK[] BODY.PEEK[TEXT] UID)");
        Assert.Equal($"* 1 FETCH (BODY[] {{{message.Length}}}\r\n{message} BODY[TEXT] {{{body.Length}}}\r\n{body} UID 1)", reply[0]);
        Assert.Equal("T5 OK FETCH completed", reply[1]);
        var hundred = await imap.CommandAsync("FETCH 1 (" + string.Join(' ', Enumerable.Repeat("BODY.PEEK[TEXT]", 100)) + ")");
        Assert.Equal("* 1 FETCH (" + string.Join(' ', Enumerable.Repeat($"BODY[TEXT] {{{body.Length}}}\r\n{body}", 100)) + ")", hundred[0]);
        Assert.Equal("T6 OK FETCH completed", hundred[1]);
    }

    [Fact]
    public async Task Before_login_only_small_literals_are_read()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        await imap.SendAsync("A1 LOGIN {26214400}\r\n");
        Assert.Equal("A1 NO [TOOBIG] A literal may hold at most 8192 bytes here", await imap.LineAsync());
        await imap.SendAsync("A2 LOGIN {5000}\r\n");
        Assert.Equal("+ Ready for literal data", await imap.LineAsync());
        await imap.SendAsync(new string('u', 5000) + " {5000}\r\n");
        Assert.Equal("A2 NO [TOOBIG] The literals of one command may hold at most 8192 bytes together", await imap.LineAsync());
        await imap.SendAsync("A3 ID (\"name\" {4}\r\n");
        Assert.Equal("+ Ready for literal data", await imap.LineAsync());
        await imap.SendAsync("mutt \"version\" {3+}\r\n2.2)\r\n");
        Assert.Equal("A3 OK ID completed", (await imap.UntilTaggedAsync("A3")).Last());
        await imap.SendAsync("A4 LOGIN {26214400+}\r\n");
        Assert.Equal("* BYE [TOOBIG] A literal may hold at most 8192 bytes here", await imap.LineAsync());
        Assert.Null(await imap.LineAsync());
    }

    [Fact]
    public async Task Untagged_garbage_lines_count_towards_the_bad_command_limit()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        await imap.SendAsync(string.Concat(Enumerable.Repeat("garbage\r\n", 25)));
        for (var i = 0; i < 20; i++) Assert.Equal("* BAD Missing or invalid tag", await imap.LineAsync());
        Assert.Equal("* BYE Too many bad commands", await imap.LineAsync());
        Assert.Null(await imap.LineAsync());
    }

    [Fact]
    public async Task Uid_4294967295_is_a_number_and_only_star_means_the_largest()
    {
        await using var imap = await SelectedAsync("Subject: one\r\n\r\n1\r\n", "Subject: two\r\n\r\n2\r\n");
        Assert.Equal(["* SEARCH", "T3 OK UID SEARCH completed"], await imap.CommandAsync("UID SEARCH UID 3:4294967295"));
        Assert.Equal(["* SEARCH", "T4 OK UID SEARCH completed"], await imap.CommandAsync("UID SEARCH UID 4294967295"));
        Assert.Equal(["* SEARCH 2", "T5 OK UID SEARCH completed"], await imap.CommandAsync("UID SEARCH UID 3:*"));
        Assert.Equal(["* SEARCH 1 2", "T6 OK UID SEARCH completed"], await imap.CommandAsync("UID SEARCH UID 1:4294967295"));
        Assert.Equal(["T7 OK UID FETCH completed"], await imap.CommandAsync("UID FETCH 4294967295 FLAGS"));
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Recent))", "T8 OK UID FETCH completed"], await imap.CommandAsync("UID FETCH 4294967295:* FLAGS"));
    }

    [Fact]
    public async Task Folder_names_starting_with_a_tilde_are_atoms_and_valid_strings_that_no_folder_can_have_are_no()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.Equal("T2 OK CREATE completed", (await imap.CommandAsync("CREATE ~archive")).Last());
        Assert.Equal("T3 OK [READ-WRITE] SELECT completed", (await imap.CommandAsync("SELECT ~archive")).Last());
        Assert.Equal("T4 NO [CANNOT] \"foo*\" is not a valid folder name", (await imap.CommandAsync("SELECT \"foo*\"")).Last());
        Assert.Equal("T5 NO [CANNOT] \"a%b\" is not a valid folder name", (await imap.CommandAsync("CREATE \"a%b\"")).Last());
        Assert.Equal("T6 NO [CANNOT] \"\" is not a valid folder name", (await imap.CommandAsync("CREATE \"\"")).Last());
        Assert.Equal("T7 NO [CANNOT] \"/top\" is not a valid folder name", (await imap.CommandAsync("EXAMINE \"/top\"")).Last());
        // An atom cannot hold '*': the grammar ends it there, and what is left is a syntax error.
        Assert.Equal("T8 BAD Unexpected extra arguments at \"*\"", (await imap.CommandAsync("SELECT foo*")).Last());
        Assert.Equal("T9 BAD Expected a folder name at \"(x)\"", (await imap.CommandAsync("SELECT (x)")).Last());
        Assert.Equal("T10 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }
}

/// <summary>The IMAP limits are settings: a server configured small refuses at its own bounds.</summary>
public sealed class ImapConfiguredLimitsTests
{
    [Fact]
    public async Task Literal_command_nesting_and_fetch_bounds_follow_the_configuration()
    {
        await using var small = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Imap:MaxLiteralBytes"] = "4096",
            ["OpenMailserver:Imap:MaxCommandLiteralBytes"] = "6144",
            ["OpenMailserver:Imap:MaxNestingDepth"] = "8",
            ["OpenMailserver:Imap:MaxFetchItems"] = "10",
        });
        var box = await small.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(small, box);
        await imap.SendAsync("A1 APPEND INBOX {5000}\r\n");
        Assert.Equal("A1 NO [TOOBIG] A literal may hold at most 4096 bytes here", await imap.LineAsync());
        await imap.SendAsync("A2 APPEND INBOX {4000}\r\n");
        Assert.Equal("+ Ready for literal data", await imap.LineAsync());
        await imap.SendAsync(new string('x', 4000) + " {4000}\r\n");
        Assert.Equal("A2 NO [TOOBIG] The literals of one command may hold at most 6144 bytes together", await imap.LineAsync());
        await imap.SendAsync("A3 APPEND INBOX {20+}\r\nSubject: small\r\n\r\nx\r\n");
        Assert.StartsWith("A3 OK [APPENDUID", (await imap.UntilTaggedAsync("A3")).Last());
        await imap.CommandAsync("SELECT INBOX");
        Assert.Equal("T3 BAD Search criteria nest more than 8 levels deep (parentheses, NOT and OR)",
            (await imap.CommandAsync("SEARCH " + new string('(', 9) + "ALL" + new string(')', 9))).Last());
        Assert.Equal("T4 BAD FETCH takes at most 10 data items", (await imap.CommandAsync("FETCH 1 (" + string.Join(' ', Enumerable.Repeat("UID", 11)) + ")")).Last());
        Assert.Equal("T5 BAD A section path has at most 8 part numbers", (await imap.CommandAsync("FETCH 1 BODY[1.1.1.1.1.1.1.1.1]")).Last());
        Assert.Equal(["* SEARCH 1", "T6 OK SEARCH completed"], await imap.CommandAsync("SEARCH " + new string('(', 8) + "ALL" + new string(')', 8)));
    }
}
