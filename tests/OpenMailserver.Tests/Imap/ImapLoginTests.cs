using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

[Collection(SharedMailServerCollection.Name)]
public sealed class ImapLoginTests(SharedMailServer server)
{
    [Fact]
    public async Task Cleartext_port_offers_starttls_and_refuses_login_until_then()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapPort, implicitTls: false);
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 ", imap.Greeting);
        Assert.Contains("STARTTLS", imap.Greeting);
        Assert.Contains("LOGINDISABLED", imap.Greeting);
        Assert.DoesNotContain("AUTH=PLAIN", imap.Greeting);

        var refused = await imap.CommandAsync($"LOGIN {box.Address} \"{box.Password}\"");
        Assert.StartsWith("T1 NO [PRIVACYREQUIRED]", refused.Last());
        Assert.StartsWith("T2 NO [PRIVACYREQUIRED]", (await imap.CommandAsync("AUTHENTICATE PLAIN " + Plain(box))).Last());

        Assert.Equal("T3 OK Begin TLS negotiation now", (await imap.CommandAsync("STARTTLS")).Last());
        await imap.UpgradeAsync();
        var capability = await imap.CommandAsync("CAPABILITY");
        Assert.Contains("AUTH=PLAIN", capability[0]);
        Assert.DoesNotContain("STARTTLS", capability[0]);
        Assert.StartsWith("T5 OK [CAPABILITY ", (await imap.CommandAsync($"LOGIN {box.Address} \"{box.Password}\"")).Last());
    }

    [Fact]
    public async Task Commands_pipelined_after_starttls_in_cleartext_are_dropped()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapPort, implicitTls: false);
        // Someone on the path could have appended the second command; it must not run inside the TLS session.
        await imap.SendAsync("S1 STARTTLS\r\nI1 NOOP\r\n");
        Assert.Equal("S1 OK Begin TLS negotiation now", (await imap.UntilTaggedAsync("S1")).Last());
        await imap.UpgradeAsync();
        var reply = await imap.CommandAsync("CAPABILITY");
        Assert.DoesNotContain(reply, line => line.StartsWith("I1 ", StringComparison.Ordinal));
        Assert.StartsWith("T1 OK", reply.Last());
    }

    [Fact]
    public async Task A_failed_handshake_after_starttls_closes_the_connection()
    {
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapPort, implicitTls: false);
        Assert.Equal("T1 OK Begin TLS negotiation now", (await imap.CommandAsync("STARTTLS")).Last());
        await imap.SendAsync("T2 NOOP\r\n");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // No reply in cleartext, no server error: the connection just ends.
        Assert.Null(await imap.LineAsync(timeout.Token));
    }

    [Fact]
    public async Task Check_is_for_a_selected_folder_only()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server.Started(), box);
        Assert.StartsWith("T2 BAD CHECK is not allowed now", (await imap.CommandAsync("CHECK")).Last());
        await imap.CommandAsync("SELECT INBOX");
        Assert.Equal("T4 OK CHECK completed", (await imap.CommandAsync("CHECK")).Last());
    }

    private static string Plain(TestMailbox box) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{box.Address}\0{box.Password}"));

    [Fact]
    public async Task Authenticate_plain_with_initial_response_and_with_continuation()
    {
        var box = await server.CreateMailboxAsync();
        await using (var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true))
            Assert.StartsWith("T1 OK", (await imap.CommandAsync("AUTHENTICATE PLAIN " + Plain(box))).Last());

        await using var second = await ImapConversation.OpenAsync(server.ImapTlsPort, implicitTls: true);
        await second.SendAsync("A1 AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await second.LineAsync());
        await second.SendAsync(Plain(box) + "\r\n");
        Assert.StartsWith("A1 OK", (await second.UntilTaggedAsync("A1")).Last());
    }

    [Fact]
    public async Task Wrong_password_is_authenticationfailed_and_commands_need_login()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        Assert.Equal("T1 BAD SELECT is not allowed now (log in first)", (await imap.CommandAsync("SELECT INBOX")).Last());
        Assert.Equal("T2 NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.CommandAsync($"LOGIN {box.Address} wrong-password")).Last());
        Assert.Equal("T3 NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.CommandAsync("LOGIN nobody@example.test whatever")).Last());
        Assert.StartsWith("T4 BAD", (await imap.CommandAsync("AUTHENTICATE PLAIN not-base64!")).Last());
        Assert.StartsWith("T5 NO [CANNOT]", (await imap.CommandAsync("AUTHENTICATE CRAM-MD5")).Last());
        Assert.Equal("T6 OK CAPABILITY completed", (await imap.CommandAsync("CAPABILITY")).Last());
    }

    [Fact]
    public async Task Lockout_is_shared_with_smtp()
    {
        await using var locking = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Security:MaxFailedLoginsPerAddress"] = "2", ["OpenMailserver:Security:LockoutPeriod"] = "00:05:00",
        });
        var box = await locking.CreateMailboxAsync();
        locking.Started();
        for (var i = 0; i < 2; i++)
        {
            using var smtp = MailServer.SmtpClient();
            await smtp.ConnectAsync("127.0.0.1", locking.SubmissionTlsPort, MailKit.Security.SecureSocketOptions.SslOnConnect);
            smtp.AuthenticationMechanisms.Remove("LOGIN");
            await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => smtp.AuthenticateAsync(box.Address, "wrong"));
        }
        await using var imap = await ImapConversation.OpenAsync(locking.ImapTlsPort, implicitTls: true);
        Assert.StartsWith("T1 NO [UNAVAILABLE] Too many failed logins", (await imap.CommandAsync($"LOGIN {box.Address} \"{box.Password}\"")).Last());
    }

    [Fact]
    public async Task Logout_says_bye_then_ok()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var lines = await imap.CommandAsync("LOGOUT");
        Assert.Equal(["* BYE Logging out", "T2 OK LOGOUT completed"], lines);
    }

    [Fact]
    public async Task Id_namespace_and_enable()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.Equal(["* ID (\"name\" \"Open Mailserver\" \"vendor\" \"Open Mailserver\")", "T2 OK ID completed"],
            await imap.CommandAsync("ID (\"name\" \"test-client\" \"version\" \"1.0\")"));
        Assert.Equal(["* NAMESPACE ((\"\" \"/\")) NIL NIL", "T3 OK NAMESPACE completed"], await imap.CommandAsync("NAMESPACE"));
        Assert.Equal(["* ENABLED", "T4 OK ENABLE completed"], await imap.CommandAsync("ENABLE X-NOT-OFFERED"));
        Assert.Equal(["* ENABLED CONDSTORE", "T5 OK ENABLE completed"], await imap.CommandAsync("ENABLE CONDSTORE"));
    }

    [Fact]
    public async Task Connections_beyond_the_cap_are_told_to_come_back_later()
    {
        await using var capped = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Imap:MaxConcurrentSessions"] = "1" });
        await using var first = await ImapConversation.OpenAsync(capped.Started().ImapPort, implicitTls: false);
        Assert.StartsWith("* OK ", first.Greeting);
        await using (var second = await ImapConversation.OpenAsync(capped.ImapPort, implicitTls: false))
            Assert.Equal("* BYE [UNAVAILABLE] Too many connections, try again later", second.Greeting);
        await first.CommandAsync("LOGOUT");
        await Task.Delay(300);
        await using var third = await ImapConversation.OpenAsync(capped.ImapPort, implicitTls: false);
        Assert.StartsWith("* OK ", third.Greeting);
    }
}
