using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

/// <summary>No one client can starve SMTP of connections: the MX and submission have separate pools, each
/// client address gets a bounded share of each, and a full MX pool sheds its longest-idle session that has
/// no message on its way.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task Two_hundred_idle_mx_connections_from_one_address_leave_submission_open_and_another_address_delivering()
    {
        await using var server = new MailServer();
        var recipient = await server.CreateMailboxAsync();
        server.Started();

        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, server.MxPort);
                idle.Add(client);
            }
            var greetings = await Task.WhenAll(idle.Select(c => FirstLineAsync(c)));
            Assert.Equal(10, greetings.Count(g => g.StartsWith("220 ")));
            Assert.Equal(190, greetings.Count(g => g.StartsWith("421 4.7.0 ") && g.EndsWith("Too many connections from your address, try again later")));

            await using (var submission = await SmtpConversation.OpenAsync(server.SubmissionPort))
                Assert.StartsWith("220 ", await submission.ReplyAsync());

            using var other = MailServer.SmtpClient();
            other.LocalEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0);
            await other.ConnectAsync("127.0.0.1", server.MxPort, MailKit.Security.SecureSocketOptions.None);
            var reply = await other.SendAsync(new MimeMessage
            {
                From = { MailboxAddress.Parse("someone@elsewhere.test") }, To = { MailboxAddress.Parse(recipient.Address) }, Subject = "through the crowd",
                Body = new TextPart("plain") { Text = "x" },
            });
            Assert.StartsWith("2.0.0 Ok: queued as ", reply);
        }
        finally
        {
            foreach (var client in idle) client.Dispose();
        }

        using var reader = server.Rest(recipient.Key);
        var message = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{recipient.Address}/messages")).EnumerateArray());
        Assert.Equal("through the crowd", message.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_full_mx_pool_sheds_the_longest_idle_session_and_never_one_with_a_message_on_its_way()
    {
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Smtp:MaxConcurrentSessions"] = "3",
            ["OpenMailserver:Smtp:MaxSessionsPerAddress"] = "50",
        });
        server.Started();
        await using var sending = await OpenMxAsync(server);
        Assert.StartsWith("250 ", await sending.CommandAsync("MAIL FROM:<a@elsewhere.test>"));
        await using var idle = await OpenMxAsync(server);
        await using var alsoSending = await OpenMxAsync(server);
        Assert.StartsWith("250 ", await alsoSending.CommandAsync("MAIL FROM:<b@elsewhere.test>"));

        // Full: the idle session makes room, and is told why.
        await using var newcomer = await OpenMxAsync(server);
        Assert.Equal("421 4.7.0 mail.localhost Idle session closed to make room, try again later", await idle.ReplyAsync());
        Assert.True(await idle.ClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.StartsWith("250 ", await newcomer.CommandAsync("MAIL FROM:<c@elsewhere.test>"));

        // Every session has a message on its way: the new connection is the one turned away.
        await using (var refused = await SmtpConversation.OpenAsync(server.MxPort))
            Assert.Equal("421 4.3.2 mail.localhost Too many connections, try again later", await refused.ReplyAsync());
        Assert.StartsWith("250 ", await sending.CommandAsync("NOOP"));

        // A session whose transaction ended may be shed again.
        Assert.StartsWith("250 ", await sending.CommandAsync("RSET"));
        Assert.StartsWith("250 ", await sending.CommandAsync("NOOP")); // RSET has been handled to the end
        await using var last = await OpenMxAsync(server);
        Assert.StartsWith("421 4.7.0 ", await sending.ReplyAsync());
        Assert.StartsWith("250 ", await alsoSending.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_full_mx_pool_sheds_a_transaction_whose_client_went_silent()
    {
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Smtp:MaxConcurrentSessions"] = "2",
            ["OpenMailserver:Smtp:MaxSessionsPerAddress"] = "50",
            ["OpenMailserver:Smtp:StalledTransactionTime"] = "00:00:04",
        });
        server.Started();
        // Each slot held by a bounce that never goes on, as a client would to keep its slots from being shed.
        await using var stalled = await OpenMxAsync(server);
        Assert.StartsWith("250 ", await stalled.CommandAsync("MAIL FROM:<>"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var alsoStalled = await OpenMxAsync(server);
        Assert.StartsWith("250 ", await alsoStalled.CommandAsync("MAIL FROM:<>"));

        // Not yet silent for long enough: the new connection is turned away.
        await using (var early = await SmtpConversation.OpenAsync(server.MxPort))
            Assert.StartsWith("421 4.3.2 ", await early.ReplyAsync());

        // The longest-silent transaction makes room once it has stalled.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await using var newcomer = await OpenMxAsync(server);
        Assert.Equal("421 4.7.0 mail.localhost Idle session closed to make room, try again later", await stalled.ReplyAsync());
        Assert.StartsWith("250 ", await newcomer.CommandAsync("MAIL FROM:<c@elsewhere.test>"));
        Assert.StartsWith("250 ", await alsoStalled.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Submission_has_its_own_pool_and_sheds_only_sessions_not_logged_in()
    {
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Smtp:MaxConcurrentSessions"] = "1",
            ["OpenMailserver:Smtp:MaxConcurrentSubmissionSessions"] = "2",
        });
        var box = await server.CreateMailboxAsync();
        await using var mx = await OpenMxAsync(server);
        Assert.StartsWith("250 ", await mx.CommandAsync("MAIL FROM:<a@elsewhere.test>"));

        // The MX pool is full; submission is not affected.
        using var user = await server.SubmitAsAsync(box);
        await using var stranger = await SmtpConversation.OpenAsync(server.SubmissionPort);
        Assert.StartsWith("220 ", await stranger.ReplyAsync());

        // The submission pool is full: the stranger makes room, the logged-in user does not.
        await using var next = await SmtpConversation.OpenAsync(server.SubmissionPort);
        // Generous: on a loaded two-core machine running the whole suite the greeting once took over 15 s.
        Assert.StartsWith("220 ", await next.ReplyAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("421 4.7.0 mail.localhost Idle session closed to make room, try again later", await stranger.ReplyAsync());
        Assert.True(await stranger.ClosedAsync(TimeSpan.FromSeconds(5)));
        var reply = await user.SendAsync(new MimeMessage
        {
            From = { MailboxAddress.Parse(box.Address) }, To = { MailboxAddress.Parse(box.Address) }, Subject = "still here", Body = new TextPart("plain") { Text = "x" },
        });
        Assert.StartsWith("2.0.0 Ok: queued as ", reply);
    }

    [Fact]
    public async Task One_address_holds_at_most_its_share_of_submission_sessions()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Smtp:MaxSubmissionSessionsPerAddress"] = "2" });
        server.Started();
        await using var first = await SmtpConversation.OpenAsync(server.SubmissionPort);
        await using var second = await SmtpConversation.OpenAsync(server.SubmissionPort);
        Assert.StartsWith("220 ", await first.ReplyAsync());
        Assert.StartsWith("220 ", await second.ReplyAsync());
        await using (var third = await SmtpConversation.OpenAsync(server.SubmissionPort))
            Assert.Equal("421 4.7.0 mail.localhost Too many connections from your address, try again later", await third.ReplyAsync());

        // A session that ends gives its share back.
        await first.CommandAsync("QUIT");
        Assert.True(await first.ClosedAsync(TimeSpan.FromSeconds(5)));
        await Task.Delay(200);
        await using var again = await SmtpConversation.OpenAsync(server.SubmissionPort);
        Assert.StartsWith("220 ", await again.ReplyAsync());
    }

    [Fact]
    public async Task One_mailbox_holds_at_most_its_share_of_logged_in_submission_sessions()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Smtp:MaxSubmissionSessionsPerMailbox"] = "2" });
        server.Started();
        var box = await server.CreateMailboxAsync();
        var other = await server.CreateMailboxAsync();
        await using var first = await LoggedInAsync(server, box);
        await using var second = await LoggedInAsync(server, box);
        await using (var third = await OpenSubmissionAsync(server))
            Assert.StartsWith($"454 4.7.0 {box.Address} has 2 sessions open; close one and try again", await third.CommandAsync(AuthPlain(box)));
        // Another mailbox logs in as before.
        await using (var elsewhere = await LoggedInAsync(server, other)) { }

        // A session that ends gives its share back.
        await first.CommandAsync("QUIT");
        Assert.True(await first.ClosedAsync(TimeSpan.FromSeconds(5)));
        await Task.Delay(200);
        await using var again = await LoggedInAsync(server, box);
    }

    private static async Task<SmtpConversation> OpenSubmissionAsync(MailServer server)
    {
        var conversation = await SmtpConversation.OpenAsync(server.SubmissionTlsPort, implicitTls: true);
        Assert.StartsWith("220 ", await conversation.ReplyAsync());
        Assert.StartsWith("250", await conversation.CommandAsync("EHLO client.test"));
        return conversation;
    }

    private static async Task<SmtpConversation> LoggedInAsync(MailServer server, TestMailbox box)
    {
        var conversation = await OpenSubmissionAsync(server);
        Assert.StartsWith("235", await conversation.CommandAsync(AuthPlain(box)));
        return conversation;
    }

    private static string AuthPlain(TestMailbox box) => "AUTH PLAIN " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{box.Address}\0{box.Password}"));

    private static async Task<SmtpConversation> OpenMxAsync(MailServer server)
    {
        var conversation = await SmtpConversation.OpenAsync(server.Started().MxPort);
        Assert.StartsWith("220 ", await conversation.ReplyAsync());
        Assert.StartsWith("250", await conversation.CommandAsync("EHLO client.test"));
        return conversation;
    }

    private static async Task<string> FirstLineAsync(TcpClient client)
    {
        using var reader = new StreamReader(client.GetStream(), leaveOpen: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await reader.ReadLineAsync(timeout.Token) ?? "<closed>";
    }
}
