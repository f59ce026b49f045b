using System.Net.Http.Json;
using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenMailserver.Tests.Imap;

/// <summary>The server as its own process under many hostile IMAP clients at once: its memory (VmRSS from
/// /proc) stays bounded and it keeps answering.</summary>
public sealed class ImapResourceExhaustionTests(ITestOutputHelper output)
{
    private const int PreLoginClients = 25;
    private const int FetchClients = 25;
    private const long AllowedGrowth = 200L * 1024 * 1024;

    [Fact]
    public async Task Fifty_connections_of_pre_login_literals_and_fetch_amplification_leave_the_server_small_and_answering()
    {
        var tlsPort = TestPaths.FreeTcpPort();
        var plainPort = TestPaths.FreeTcpPort();
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Imap__TlsPort"] = tlsPort.ToString(),
            ["OpenMailserver__Imap__Port"] = plainPort.ToString(),
            // Memory is what this measures: every connection comes from 127.0.0.1 and half log in as one mailbox.
            ["OpenMailserver__Imap__MaxSessionsPerAddress"] = "100",
            ["OpenMailserver__Imap__MaxSessionsPerMailbox"] = "100",
        });
        using var admin = server.Rest(server.AdminKey);
        var created = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "amplify", domain = "example.test" }))
            .Content.ReadAsStringAsync()).RootElement;
        var login = $"LOGIN amplify@example.test \"{created.GetProperty("password").GetString()}\"";

        // One message of a megabyte, which each FETCH asks for a hundred times.
        var line = new string('m', 1022) + "\r\n";
        var message = "Subject: large\r\n\r\n" + string.Concat(Enumerable.Repeat(line, 1024));
        await using (var setup = await ImapConversation.OpenAsync(tlsPort, implicitTls: true))
        {
            Assert.StartsWith("T1 OK", (await setup.CommandAsync(login)).Last());
            await setup.SendAsync($"A APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
            Assert.StartsWith("A OK [APPENDUID", (await setup.UntilTaggedAsync("A")).Last());
        }

        var baseline = server.ResidentBytes;
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes);
                await Task.Delay(50);
            }
        });

        var fetchers = await Task.WhenAll(Enumerable.Range(0, FetchClients).Select(_ => StartAmplifiedFetchAsync(tlsPort, login)));
        var preLogin = await Task.WhenAll(Enumerable.Range(0, PreLoginClients).Select(_ => PreLoginLiteralsAsync(plainPort)));
        // The FETCH replies are still waiting to be read: this is when a server that builds them in memory is largest.
        await Task.Delay(TimeSpan.FromSeconds(3));

        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            Assert.True((await http.GetAsync(server.HttpBase + "/health")).IsSuccessStatusCode);
        await using (var fresh = await ImapConversation.OpenAsync(plainPort, implicitTls: false))
            Assert.Equal(["T1 OK NOOP completed"], await fresh.CommandAsync("NOOP"));

        await stop.CancelAsync();
        await sampler;
        foreach (var fetcher in fetchers) await fetcher.DisposeAsync();
        Assert.All(preLogin, replies => Assert.Equal(
            ["A1 NO [TOOBIG] A literal may hold at most 8192 bytes here", "* BYE [TOOBIG] A literal may hold at most 8192 bytes here"], replies));
        output.WriteLine($"resident memory: {baseline / 1048576} MiB before, {peak / 1048576} MiB at the peak");
        Assert.True(peak - baseline < AllowedGrowth,
            $"The server grew from {baseline / 1048576} MiB to {peak / 1048576} MiB of resident memory under {FetchClients + PreLoginClients} hostile connections.");
    }

    [Fact]
    public async Task Twenty_sessions_that_announce_a_large_literal_and_stall_hold_little_memory()
    {
        var tlsPort = TestPaths.FreeTcpPort();
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Imap__TlsPort"] = tlsPort.ToString(),
            ["OpenMailserver__Imap__Port"] = TestPaths.FreeTcpPort().ToString(),
        });
        using var admin = server.Rest(server.AdminKey);
        var created = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "stall", domain = "example.test" }))
            .Content.ReadAsStringAsync()).RootElement;
        var login = $"LOGIN stall@example.test \"{created.GetProperty("password").GetString()}\"";

        var baseline = server.ResidentBytes;
        var sessions = new List<ImapConversation>();
        for (var i = 0; i < 20; i++)
        {
            var imap = await ImapConversation.OpenAsync(tlsPort, implicitTls: true);
            Assert.StartsWith("T1 OK", (await imap.CommandAsync(login)).Last());
            // 25 million bytes announced (within the limits, so accepted), a few sent, then nothing.
            await imap.SendAsync("A APPEND INBOX {25000000+}\r\nSubject: stalled\r\n");
            sessions.Add(imap);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        var grown = server.ResidentBytes - baseline;
        foreach (var imap in sessions) await imap.DisposeAsync();
        output.WriteLine($"resident memory grew by {grown / 1048576} MiB with 20 stalled 25 MB literals");
        Assert.True(grown < 100L * 1024 * 1024, $"20 stalled literals grew the server by {grown / 1048576} MiB");
    }

    /// <summary>Logs in, selects, and asks for the megabyte message a hundred times, without reading the reply.</summary>
    private static async Task<ImapConversation> StartAmplifiedFetchAsync(int port, string login)
    {
        var imap = await ImapConversation.OpenAsync(port, implicitTls: true);
        Assert.StartsWith("T1 OK", (await imap.CommandAsync(login)).Last());
        Assert.StartsWith("T2 OK", (await imap.CommandAsync("SELECT INBOX")).Last());
        await imap.SendAsync("F FETCH 1 (" + string.Join(' ', Enumerable.Repeat("BODY.PEEK[]", 100)) + ")\r\n");
        return imap;
    }

    /// <summary>Before login: a 25 MiB synchronizing literal (sent if the server asks for it), then the
    /// announcement of a non-synchronizing one. Returns what the server answered.</summary>
    private static async Task<List<string>> PreLoginLiteralsAsync(int port)
    {
        await using var imap = await ImapConversation.OpenAsync(port, implicitTls: false);
        var replies = new List<string>();
        const int size = 25 * 1024 * 1024;
        var chunk = new byte[1024 * 1024];
        Array.Fill(chunk, (byte)'p');
        await imap.SendAsync($"A1 LOGIN {{{size}}}\r\n");
        var reply = await imap.LineAsync() ?? "<closed>";
        replies.Add(reply);
        if (reply.StartsWith('+'))
        {
            for (var i = 0; i < size / chunk.Length; i++) await imap.SendAsync(chunk);
            await imap.SendAsync(" x\r\n");
            replies.Add(await imap.LineAsync() ?? "<closed>");
        }
        // The literal would follow at once; the server must refuse it without waiting for it.
        await imap.SendAsync($"A2 LOGIN {{{size}+}}\r\n");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        replies.Add(await imap.LineAsync(timeout.Token) ?? "<closed>");
        return replies;
    }
}
