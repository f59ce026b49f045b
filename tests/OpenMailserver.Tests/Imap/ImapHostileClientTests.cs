using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>What a hostile client could still do after the first bounds, each shown on a real socket: hold a
/// connection without logging in, hold a session by not reading, make SEARCH, LIST, STATUS, flags or sequence
/// sets cost without bound, or drop its own session with one bad value.</summary>
public sealed class ImapHostileClientTests
{
    [Fact]
    public async Task A_connection_that_does_not_log_in_is_closed_at_the_login_timeout()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Imap:LoginTimeout"] = "00:00:10" });
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        var started = DateTimeOffset.UtcNow;
        // Busy but never logging in: each NOOP would have restarted the old per-command timer.
        string? bye = null;
        for (var i = 0; i < 30 && bye is null; i++)
        {
            await imap.SendAsync($"N{i} NOOP\r\n");
            var line = await imap.LineAsync();
            if (line?.StartsWith("* BYE", StringComparison.Ordinal) == true) bye = line;
            else await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.Equal("* BYE Autologout; idle for too long", bye);
        Assert.InRange(DateTimeOffset.UtcNow - started, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_at_the_write_timeout()
    {
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Imap:WriteTimeout"] = "00:00:01",
            ["OpenMailserver:Imap:MaxSessionsPerAddress"] = "1",
        });
        var box = await server.CreateMailboxAsync();
        await using (var setup = await ImapConversation.LoginAsync(server, box))
        {
            var message = "Subject: large\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('m', 1022) + "\r\n", 1024));
            await setup.SendAsync($"A1 APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
            Assert.Contains(" OK ", (await setup.UntilTaggedAsync("A1")).Last());
        }

        // A hundred megabytes asked for and never read: far more than the socket buffers hold.
        var reader = await EventuallyAsync(() => ImapConversation.LoginAsync(server, box)); // once the first session's slot is free
        await reader.CommandAsync("SELECT INBOX");
        await reader.SendAsync("F1 FETCH 1 (" + string.Join(' ', Enumerable.Repeat("BODY.PEEK[]", 100)) + ")\r\n");

        // Only one session per address is allowed here: the next one gets in once the stalled one is gone.
        string? greeting = null;
        for (var attempt = 0; attempt < 20 && greeting?.StartsWith("* OK", StringComparison.Ordinal) != true; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            try
            {
                await using var next = await ImapConversation.OpenAsync(server.ImapTlsPort, implicitTls: true);
                greeting = next.Greeting;
            }
            catch (IOException)
            {
                // Refused: on the TLS port a connection over the limit is closed before the handshake.
            }
        }
        Assert.StartsWith("* OK", greeting);
        await reader.DisposeAsync();
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> connect)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await connect();
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    [Fact]
    public async Task Costly_arguments_are_bad_and_a_fault_in_one_command_leaves_the_session_running()
    {
        await using var server = new MailServer();
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.AppendAsync("INBOX", "one");
        await imap.CommandAsync("SELECT INBOX");

        Assert.EndsWith("BAD SEARCH takes at most 1000 keys", (await imap.CommandAsync("SEARCH " + string.Join(' ', Enumerable.Repeat("ALL", 1001)))).Last());
        Assert.EndsWith("BAD A SEARCH string has at most 1024 characters", (await imap.CommandAsync($"SEARCH BODY \"{new string('a', 1025)}\"")).Last());
        Assert.EndsWith("BAD A flag has at most 64 characters", (await imap.CommandAsync($"STORE 1 +FLAGS ({new string('k', 65)})")).Last());
        Assert.EndsWith("BAD A flag list holds at most 64 flags",
            (await imap.CommandAsync("STORE 1 +FLAGS (" + string.Join(' ', Enumerable.Range(0, 65).Select(i => $"k{i}")) + ")")).Last());
        Assert.EndsWith("BAD LIST takes at most 32 patterns",
            (await imap.CommandAsync("LIST \"\" (" + string.Join(' ', Enumerable.Repeat("%", 33)) + ")")).Last());

        // Thirty thousand ranges that are one message: merged when parsed, answered at once.
        var ranges = string.Join(',', Enumerable.Repeat("1", 30_000));
        Assert.Equal("* 1 FETCH (UID 1)", (await imap.CommandAsync($"FETCH {ranges} UID"))[0]);
        // A status item asked for twice is answered once.
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 1)", (await imap.CommandAsync("STATUS INBOX (MESSAGES MESSAGES MESSAGES)"))[0]);

        // A date with no UTC instant is refused as a value, and the session goes on.
        const string tiny = "x: y\r\n\r\nz\r\n";
        await imap.SendAsync($"A9 APPEND INBOX \"01-Jan-0001 00:00:00 +0100\" {{{tiny.Length}+}}\r\n{tiny}\r\n");
        Assert.DoesNotContain("SERVERBUG", (await imap.UntilTaggedAsync("A9")).Last());
        Assert.EndsWith("OK NOOP completed", (await imap.CommandAsync("NOOP")).Last());
    }
}
