using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>Malformed input gets BAD (or NO) with the tag where there is one, and never crashes or hangs
/// the session or the server.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapBadInputTests(SharedMailServer server)
{
    [Theory]
    [InlineData("FETCH 1 (FLAGS", "Expected ')'")]
    [InlineData("FETCH 1 FLAGS)", "Unexpected extra arguments")]
    [InlineData("FETCH 0 FLAGS", "Invalid sequence set")]
    [InlineData("FETCH 1:x FLAGS", "Invalid sequence set")]
    [InlineData("FETCH 99999999999 FLAGS", "Invalid sequence set")]
    [InlineData("FETCH 1 BODY[99999999.MIME]", "Part numbers start at 1")]
    [InlineData("FETCH 1 BODY[MIME]", "MIME needs a part number")]
    [InlineData("FETCH 1 BODY[]<0.0>", "A partial length must be greater than zero")]
    [InlineData("FETCH 1 NOPE", "Unknown FETCH data item")]
    [InlineData("SEARCH FROM", "Expected a space")]
    [InlineData("SEARCH BEFORE 31-Foo-2026", "is not a date")]
    [InlineData("SEARCH (OR SEEN", "Expected a space")]
    [InlineData("SEARCH WHATEVER", "Unknown search key")]
    [InlineData("STORE 1 FLIP (\\Seen)", "Unknown STORE operation")]
    [InlineData("SELECT", "Expected a space")]
    [InlineData("SELECT \"unterminated", "Unterminated quoted string")]
    [InlineData("LIST \"\"", "Expected a space")]
    [InlineData("UID FROB 1", "Unknown command UID FROB")]
    [InlineData("FROBNICATE", "Unknown command FROBNICATE")]
    public async Task Malformed_commands_get_bad_with_a_reason(string command, string reason)
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.SendAsync($"A1 APPEND INBOX {{{12}+}}\r\nSubject: x\r\n\r\n");
        await imap.UntilTaggedAsync("A1");
        await imap.CommandAsync("SELECT INBOX");
        var reply = (await imap.CommandAsync(command)).Last();
        Assert.StartsWith("T3 BAD ", reply);
        Assert.Contains(reason, reply);
        Assert.Equal("T4 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }

    [Fact]
    public async Task Missing_tag_and_empty_lines()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        await imap.SendAsync("\r\n\r\nNOOP\r\n");
        Assert.Equal("* BAD Missing or invalid tag", await imap.LineAsync());
        await imap.SendAsync("+tag NOOP\r\n");
        Assert.Equal("* BAD Missing or invalid tag", await imap.LineAsync());
        Assert.Equal("T1 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }

    [Fact]
    public async Task Huge_literal_is_refused_before_it_is_sent_and_the_session_goes_on()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.SendAsync("A1 APPEND INBOX {99999999999}\r\n");
        Assert.StartsWith("A1 NO [TOOBIG]", (await imap.UntilTaggedAsync("A1")).Last());
        Assert.Equal("T2 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }

    [Fact]
    public async Task Huge_non_synchronizing_literal_closes_the_connection()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.SendAsync("A1 APPEND INBOX {99999999999+}\r\n");
        Assert.Equal("* BYE [TOOBIG] A literal may hold at most 524288 bytes here", await imap.LineAsync());
        Assert.Null(await imap.LineAsync());
    }

    [Fact]
    public async Task Negative_or_garbage_literal_lengths_are_just_text()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.StartsWith("T2 BAD", (await imap.CommandAsync("APPEND INBOX {-5}")).Last());
        Assert.StartsWith("T3 BAD", (await imap.CommandAsync("APPEND INBOX {abc}")).Last());
    }

    [Fact]
    public async Task Eight_bit_garbage_and_nul_bytes_do_not_break_the_session()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        var rng = new Random(42);
        for (var i = 0; i < 15; i++)
        {
            var garbage = new byte[rng.Next(1, 300)];
            rng.NextBytes(garbage);
            for (var j = 0; j < garbage.Length; j++) if (garbage[j] is (byte)'\r' or (byte)'\n' or (byte)'{') garbage[j] = (byte)'x';
            await imap.SendAsync([.. Encoding.ASCII.GetBytes($"G{i} "), .. garbage, .. "\r\n"u8]);
            var reply = await imap.LineAsync();
            Assert.NotNull(reply);
            Assert.Matches(@"^(G\d+|\*) (BAD|NO) ", reply);
        }
        Assert.Equal("T1 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }

    [Fact]
    public async Task Over_long_line_says_bye()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        await imap.SendAsync("A1 NOOP " + new string('x', 200_000) + "\r\n");
        Assert.Equal("* BYE Line too long", await imap.LineAsync());
    }

    [Fact]
    public async Task Too_many_bad_commands_end_the_session()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        string? last = null;
        for (var i = 0; i < 25 && last != "* BYE Too many bad commands"; i++)
        {
            await imap.SendAsync($"B{i} GARBAGE\r\n");
            last = await imap.LineAsync();
            if (last?.StartsWith("B") == true && i == 19) last = await imap.LineAsync();
        }
        Assert.Equal("* BYE Too many bad commands", last);
    }

    [Fact]
    public async Task Idle_with_something_other_than_done_is_bad()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.SendAsync("I1 IDLE\r\n");
        Assert.Equal("+ idling", await imap.LineAsync());
        await imap.SendAsync("NOT-DONE\r\n");
        Assert.Equal("I1 BAD Expected DONE to end IDLE", (await imap.UntilTaggedAsync("I1")).Last());
        Assert.Equal("T2 OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }

    [Fact]
    public async Task A_command_flood_is_slowed_to_the_configured_rate()
    {
        await using var slow = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Imap:MaxCommandsPerSecond"] = "20" });
        var box = await slow.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(slow, box);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pipelined = string.Concat(Enumerable.Range(0, 60).Select(i => $"N{i} NOOP\r\n"));
        await imap.SendAsync(pipelined);
        var lines = await imap.UntilTaggedAsync("N59", TimeSpan.FromSeconds(20));
        Assert.Equal(60, lines.Count(l => l.EndsWith("OK NOOP completed", StringComparison.Ordinal)));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"60 commands at 20/s took only {clock.Elapsed}");
    }
}
