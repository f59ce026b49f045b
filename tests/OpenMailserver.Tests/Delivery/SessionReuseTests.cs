using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Delivery;

/// <summary>Consecutive messages to one destination share an SMTP session (one connection, one TLS
/// handshake), and a kept session the receiver has since closed costs nothing but a new connection. A kept
/// session that breaks once the message is sent is a failure like any other: the message may have arrived.</summary>
public sealed class SessionReuseTests
{
    [Fact]
    public async Task Messages_in_a_row_to_postfix_go_over_one_session()
    {
        await using var postfix = new PostfixServer("pf.test", ["carol"]);
        await postfix.StartAsync();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port }));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);
        using var admin = server.Rest(server.AdminKey);

        var traces = new List<System.Text.Json.JsonElement>();
        for (var i = 1; i <= 3; i++)
        {
            var sent = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "carol@pf.test" }, subject = $"Message {i}", text_body = "x" });
            traces.Add(await admin.WaitForStateAsync(sent.GetProperty("id").GetInt64(), "sent"));
        }

        Assert.Single(traces[0].Events("connecting"));
        foreach (var (trace, before) in traces.Skip(1).Select((t, i) => (t, i + 1)))
        {
            Assert.Empty(trace.Events("connecting"));
            var connected = Assert.Single(trace.Events("connected")).GetProperty("details");
            Assert.True(connected.GetProperty("reused").GetBoolean());
            Assert.Equal(before, connected.GetProperty("messages_before").GetInt32());
            Assert.True(connected.GetProperty("tls").GetBoolean());
            trace.AssertInOrder("connected", "rcpt", "data", "delivered");
        }
        Assert.Equal(3, (await postfix.WaitForMaildirAsync("carol", count: 3)).Count);
        // When the idle session is closed, Postfix logs what it carried: all three messages.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.ReadLines(postfix.LogFile).Any(l => l.Contains("disconnect from") && l.Contains(" mail=3 ")) && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Single(File.ReadLines(postfix.LogFile), l => l.Contains("disconnect from") && l.Contains(" mail=3 ") && l.Contains(" data=3 ") && l.Contains(" quit=1"));
    }

    [Fact]
    public async Task A_kept_session_the_receiver_closed_is_replaced_without_a_failure()
    {
        // Postfix drops a client that says nothing for a second; ours keeps a session for thirty.
        await using var postfix = new PostfixServer("pf.test", ["carol"], mainCf: ["smtpd_timeout = 1s"]);
        await postfix.StartAsync();
        var settings = DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["pf.test"] = postfix.Port });
        settings["OpenMailserver:Delivery:SessionIdleTime"] = "00:00:30";
        await using var server = new MailServer(settings);
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);
        using var admin = server.Rest(server.AdminKey);

        var first = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "carol@pf.test" }, subject = "Before", text_body = "x" });
        await admin.WaitForStateAsync(first.GetProperty("id").GetInt64(), "sent");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var second = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "carol@pf.test" }, subject = "After", text_body = "x" });
        var trace = await admin.WaitForStateAsync(second.GetProperty("id").GetInt64(), "sent");

        Assert.Empty(trace.Events("host_failed"));
        Assert.Empty(trace.Events("deferred"));
        // The kept session was tried first, found closed, and replaced.
        Assert.True(trace.Events("connected").First().GetProperty("details").GetProperty("reused").GetBoolean());
        trace.AssertInOrder("connected", "connecting", "connected", "rcpt", "data", "delivered");
        Assert.Equal(2, (await postfix.WaitForMaildirAsync("carol", count: 2)).Count);
    }

    [Fact]
    public async Task A_kept_session_that_breaks_after_the_message_was_sent_is_not_sent_again_at_once()
    {
        await using var mx = new ScriptedMx(ScriptedMx.Behavior.HangUpAfterSecondMessage);
        var settings = DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["far.test"] = mx.Port }, retryDelay: "01:00:00");
        settings["OpenMailserver:Delivery:SessionIdleTime"] = "00:00:30";
        await using var server = new MailServer(settings);
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var first = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@far.test" }, subject = "First", text_body = "x" });
        await rest.WaitForStateAsync(first.GetProperty("id").GetInt64(), "sent");
        var second = await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@far.test" }, subject = "Second", text_body = "x" });
        var trace = await rest.WaitForAsync(second.GetProperty("id").GetInt64(), t => t.Events("deferred").Any());

        // The kept session carried the message and broke before the reply: no second session tries it again.
        Assert.True(Assert.Single(trace.Events("connected")).GetProperty("details").GetProperty("reused").GetBoolean());
        Assert.Empty(trace.Events("connecting"));
        trace.AssertInOrder("connected", "host_failed", "deferred");
        Assert.Equal(1, mx.Connections);
        Assert.Equal(1, mx.Messages);
    }
}
