using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenMailserver.Tests.Delivery;

/// <summary>A remote MX that answers endlessly, slowly or at length costs us a bounded amount: a reply past
/// <c>Delivery:MaxReplyBytes</c> ends the session, a reply must be whole within <c>Delivery:CommandTimeout</c>
/// and a session within <c>Delivery:SessionTimeout</c>, and at most <c>Delivery:MaxStoredReplyLength</c>
/// characters of a reply reach the trace and the bounce. Each MX is a <see cref="ScriptedMx"/> on loopback.</summary>
public sealed class HostileMxTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_fifty_megabyte_ehlo_reply_is_cut_off_early_and_costs_the_server_no_memory()
    {
        await using var normal = new ScriptedMx(ScriptedMx.Behavior.Normal);
        await using var huge = new ScriptedMx(ScriptedMx.Behavior.HugeEhlo);
        // A real process, so that its resident memory is the server's alone.
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Domain"] = "a.test",
            ["OpenMailserver__Delivery__MxOverrides__normal.test"] = $"127.0.0.1:{normal.Port}",
            ["OpenMailserver__Delivery__MxOverrides__huge.test"] = $"127.0.0.1:{huge.Port}",
            ["OpenMailserver__Delivery__DnsServers__0"] = Dnsmasq.Shared.Address,
            ["OpenMailserver__Delivery__RetrySchedule__0"] = "01:00:00",
        });
        using var admin = server.Rest(server.AdminKey);
        var created = await admin.PostJsonAsync("/v1/mailboxes", new { local_part = "agent", domain = "a.test" });
        using var rest = server.Rest(created.GetProperty("api_key").GetProperty("key").GetString());
        async Task<long> SendAsync(string to) =>
            (await rest.SendAsync(new { sender = "agent@a.test", recipients = new[] { to }, subject = "to " + to, text_body = "x" })).GetProperty("id").GetInt64();

        // One delivery first, so that what a delivery loads anyway is in the baseline.
        await admin.WaitForStateAsync(await SendAsync("x@normal.test"), "sent");
        var before = server.ResidentBytes;
        var trace = await admin.WaitForAsync(await SendAsync("x@huge.test"), t => t.Events("deferred").Any());
        var growth = server.ResidentBytes - before;
        output.WriteLine($"resident memory before {before / 1024 / 1024} MB, growth {growth / 1024} KB; the MX sent {huge.BytesSent} bytes");

        var error = Assert.Single(trace.Events("host_failed")).GetProperty("details").GetProperty("error").GetString();
        Assert.Equal($"127.0.0.1[127.0.0.1]:{huge.Port}: the reply to EHLO is longer than 65536 bytes", error);
        Assert.True(growth < 40L * 1024 * 1024, $"the server grew by {growth / 1024 / 1024} MB reading a hostile reply");
        Assert.True(huge.BytesSent < ScriptedMx.HugeReplyBytes / 2, $"the MX got {huge.BytesSent} bytes out before the server hung up");
    }

    [Fact]
    public async Task A_greeting_trickled_one_byte_every_two_seconds_ends_the_session_at_the_command_timeout()
    {
        await using var mx = new ScriptedMx(ScriptedMx.Behavior.TrickleGreeting);
        var settings = DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["slow.test"] = mx.Port }, retryDelay: "01:00:00");
        settings["OpenMailserver:Delivery:CommandTimeout"] = "00:00:03";
        await using var server = new MailServer(settings);
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@slow.test" }, subject = "slow", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await rest.WaitForAsync(id, t => t.Events("deferred").Any());
        var failed = Assert.Single(trace.Events("host_failed"));
        Assert.Equal($"127.0.0.1[127.0.0.1]:{mx.Port}: no complete greeting within 3 s", failed.GetProperty("details").GetProperty("error").GetString());
        var held = At(failed) - At(Assert.Single(trace.Events("connecting")));
        Assert.InRange(held.TotalSeconds, 2.9, 6);
        Assert.Empty(trace.Events("connected"));
    }

    [Fact]
    public async Task Replies_each_in_time_still_end_the_session_at_the_session_timeout()
    {
        await using var mx = new ScriptedMx(ScriptedMx.Behavior.SlowReplies);
        var settings = DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["slow.test"] = mx.Port }, retryDelay: "01:00:00");
        // Each reply comes 1.5 s after the command, well within the command timeout even on a loaded machine.
        settings["OpenMailserver:Delivery:CommandTimeout"] = "00:00:03";
        settings["OpenMailserver:Delivery:SessionTimeout"] = "00:00:05";
        await using var server = new MailServer(settings);
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@slow.test" }, subject = "slow", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await rest.WaitForAsync(id, t => t.Events("deferred").Any());
        // Greeting, EHLO and MAIL came 1.5 s apart, within the command timeout; the reply to RCPT would come after 6 s.
        trace.AssertInOrder("connecting", "connected", "host_failed", "deferred");
        var failed = Assert.Single(trace.Events("host_failed"));
        Assert.Equal($"127.0.0.1[127.0.0.1]:{mx.Port}: the session passed its limit of 5 s", failed.GetProperty("details").GetProperty("error").GetString());
        Assert.InRange((At(failed) - At(Assert.Single(trace.Events("connecting")))).TotalSeconds, 4.9, 7);
        Assert.Equal(0, mx.Messages);
    }

    [Fact]
    public async Task A_sixty_kilobyte_refusal_is_kept_to_two_kilobytes_in_the_trace_and_the_bounce()
    {
        await using var mx = new ScriptedMx(ScriptedMx.Behavior.LongRefusal);
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["long.test"] = mx.Port }));
        var agent = await server.CreateMailboxAsync("agent", "a.test");
        using var rest = server.Rest(agent.Key);

        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@long.test" }, subject = "long", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await rest.WaitForAsync(id, t => t.EventTypes().Contains("bounced"));
        Assert.Equal("failed", trace.GetProperty("status").GetString());
        var rcpt = Assert.Single(trace.Events("rcpt")).GetProperty("details").GetProperty("reply").GetString()!;
        var reason = Assert.Single(trace.Events("failed")).GetProperty("details").GetProperty("reason").GetString()!;
        foreach (var kept in new[] { rcpt, reason })
        {
            Assert.StartsWith("550 5.1.1 No such user\nAction: delivered\n5.1.1 xxxx", kept);
            Assert.Matches(@"\.\.\. \(\d+ more characters not kept\)$", kept);
            Assert.InRange(kept.Length, 2048, 2100);
        }
        Assert.Equal("5.1.1", Assert.Single(trace.Events("failed")).GetProperty("details").GetProperty("status").GetString());

        var bounce = Assert.Single((await rest.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages?folder=INBOX")).EnumerateArray());
        var size = bounce.GetProperty("size").GetInt64();
        Assert.True(size < 12_000, $"the bounce is {size} bytes");
        // The remote reply stays one field of the report, whatever its lines look like.
        using var imap = await server.ImapAsAsync(agent);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var report = Assert.IsType<MimeKit.MultipartReport>((await imap.Inbox.GetMessageAsync(0)).Body);
        var group = Assert.IsType<MimeKit.MessageDeliveryStatus>(report[1]).StatusGroups[1];
        Assert.Equal("failed", group["Action"]);
        Assert.Equal(["Final-Recipient", "Action", "Status", "Remote-MTA", "Diagnostic-Code", "Last-Attempt-Date"], group.Select(h => h.Field));
        var diagnostic = group["Diagnostic-Code"]!;
        Assert.True(diagnostic.StartsWith("smtp; 550 5.1.1 No such user Action: delivered 5.1.1 xxxx"), diagnostic[..200]);
    }

    private static DateTimeOffset At(JsonElement e) => DateTimeOffset.Parse(e.GetProperty("created_at").GetString()!);
}
