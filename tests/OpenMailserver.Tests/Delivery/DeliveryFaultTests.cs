using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Delivery;

/// <summary>What the queue does when the other side is down, slow, missing from DNS, or when our own server
/// restarts or crashes mid-delivery: retry on schedule, explain each attempt in the trace, and deliver each
/// message once.</summary>
public sealed class DeliveryFaultTests
{
    [Fact]
    public async Task Destination_down_is_deferred_each_attempt_then_sent_once_it_comes_up()
    {
        var (dirB, mxB, bob) = await ProvisionedButStoppedAsync("b.test", "bob");
        await using var a = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["b.test"] = mxB }, retries: 30));
        var agent = await a.CreateMailboxAsync("agent", "a.test");
        using var rest = a.Rest(agent.Key);
        using var admin = a.Rest(a.AdminKey);

        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { bob }, subject = "Patience", text_body = "x" })).GetProperty("id").GetInt64();
        var down = await admin.WaitForAsync(id, t => t.Events("deferred").Count() >= 2);
        Assert.Equal("deferred", down.GetProperty("status").GetString());
        Assert.Contains("Connection refused", down.Events("host_failed").First().GetProperty("details").GetProperty("error").GetString());
        Assert.Contains(bob, down.GetProperty("details").GetProperty("error").GetString());

        await using var b = new MailServer(DeliverySettings.For("b.test"), dirB, mxB);
        b.Started();
        var up = await admin.WaitForStateAsync(id, "sent");
        up.AssertInOrder("attempt", "connecting", "host_failed", "deferred", "attempt", "connecting", "host_failed", "deferred", "attempt", "connected", "data", "delivered");
        Assert.Equal(up.Events("attempt").Count(), up.Events("deferred").Count() + 1);

        using var bobRest = b.Rest(b.AdminKey);
        Assert.Single((await bobRest.GetJsonAsync($"/v1/mailboxes/{bob}/messages")).EnumerateArray());
    }

    [Fact]
    public async Task Restart_with_a_deferred_queue_loses_nothing_and_delivers_each_message_once()
    {
        var (dirB, mxB, bob) = await ProvisionedButStoppedAsync("b.test", "bob");
        var dirA = TestPaths.NewTempDirectory();
        var settings = DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["b.test"] = mxB }, retries: 30);
        var ids = new List<long>();
        await using (var first = new MailServer(settings, dirA))
        {
            var agent = await first.CreateMailboxAsync("agent", "a.test");
            using var rest = first.Rest(agent.Key);
            using var admin = first.Rest(first.AdminKey);
            for (var i = 0; i < 3; i++)
                ids.Add((await rest.SendAsync(new { sender = agent.Address, recipients = new[] { bob }, subject = $"Message {i}", text_body = "x" })).GetProperty("id").GetInt64());
            foreach (var id in ids) await admin.WaitForStateAsync(id, "deferred");
        }

        await using var b = new MailServer(DeliverySettings.For("b.test"), dirB, mxB);
        b.Started();
        await using var again = new MailServer(settings, dirA);
        using (var admin = again.Rest(again.AdminKey))
            foreach (var id in ids) await admin.WaitForStateAsync(id, "sent");

        await Task.Delay(TimeSpan.FromSeconds(2)); // a duplicate would have time to arrive
        using var reader = b.Rest(b.AdminKey);
        var subjects = (await reader.GetJsonAsync($"/v1/mailboxes/{bob}/messages")).EnumerateArray().Select(m => m.GetProperty("subject").GetString()).Order();
        Assert.Equal(["Message 0", "Message 1", "Message 2"], subjects);
    }

    [Fact]
    public async Task Crash_during_an_attempt_requeues_the_recipient_at_the_next_start()
    {
        // A host that takes the connection and never says a word keeps the attempt in flight.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            try { while (true) held.Add(await silent.AcceptTcpClientAsync()); } catch (ObjectDisposedException) { } catch (SocketException) { }
        });
        var silentPort = ((IPEndPoint)silent.LocalEndpoint).Port;

        var (dirB, mxB, bob) = await ProvisionedButStoppedAsync("b.test", "bob");
        var dirA = TestPaths.NewTempDirectory();
        long id;
        var process = await ServerProcess.StartAsync(dirA, environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Domain"] = "a.test",
            ["OpenMailserver__Delivery__MxOverrides__b.test"] = $"127.0.0.1:{silentPort}",
            ["OpenMailserver__Delivery__CommandTimeout"] = "00:05:00",
            ["OpenMailserver__Delivery__DnsServers__0"] = Dnsmasq.Shared.Address,
        });
        await using (process)
        {
            using var admin = process.Rest(process.AdminKey);
            var created = await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "agent", domain = "a.test" });
            var agentKey = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("api_key").GetProperty("key").GetString();
            using var rest = process.Rest(agentKey);
            id = (await rest.SendAsync(new { sender = "agent@a.test", recipients = new[] { bob }, subject = "In flight", text_body = "x" })).GetProperty("id").GetInt64();
            await admin.WaitForAsync(id, t => t.EventTypes().Contains("connecting") && t.GetProperty("status").GetString() == "sending");
            await process.KillAsync();
        }
        silent.Stop();
        foreach (var client in held) client.Dispose();

        await using var b = new MailServer(DeliverySettings.For("b.test"), dirB, mxB);
        b.Started();
        await using var restarted = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["b.test"] = mxB }, retries: 30), dirA);
        using var restartedAdmin = restarted.Rest(restarted.AdminKey);
        var trace = await restartedAdmin.WaitForStateAsync(id, "sent");
        trace.AssertInOrder("attempt", "connecting", "requeued", "attempt", "connected", "delivered");
        Assert.Contains("restarted", Assert.Single(trace.Events("requeued")).GetProperty("details").GetProperty("reason").GetString());
        using var reader = b.Rest(b.AdminKey);
        Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{bob}/messages")).EnumerateArray());
    }

    [Fact]
    public async Task Mx_records_route_mail_and_dns_failures_defer_or_fail_as_they_should()
    {
        int mxB = TestPaths.FreeTcpPort();
        using var dns = new Dnsmasq();
        await dns.Mx("c.test", "mx.c.test", 10).Host("mx.c.test", "127.0.0.1").Host("d.test", "127.0.0.1").Mx("null.test", ".", 0).StartAsync();
        await using var b = new MailServer(DeliverySettings.For("c.test"), mxPort: mxB);
        var carol = await b.CreateMailboxAsync("carol", "c.test");
        var dan = await b.CreateMailboxAsync("dan", "d.test");

        var settings = DeliverySettings.For("a.test", dns.Address, retries: 30);
        settings["OpenMailserver:Delivery:MxPort"] = mxB.ToString();
        await using var a = new MailServer(settings);
        var agent = await a.CreateMailboxAsync("agent", "a.test");
        using var rest = a.Rest(agent.Key);
        using var admin = a.Rest(a.AdminKey);
        async Task<long> SendAsync(string to) =>
            (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { to }, subject = "to " + to, text_body = "x" })).GetProperty("id").GetInt64();

        // MX record → its host's address.
        var viaMx = await admin.WaitForStateAsync(await SendAsync(carol.Address), "sent");
        var route = Assert.Single(viaMx.Events("route")).GetProperty("details");
        Assert.Equal("mx", route.GetProperty("route").GetString());
        Assert.Equal("mx.c.test", route.GetProperty("hosts")[0].GetProperty("host").GetString());
        Assert.Equal(10, route.GetProperty("hosts")[0].GetProperty("preference").GetInt32());

        // No MX: the domain's own address (RFC 5321 §5.1).
        var implicitMx = await admin.WaitForStateAsync(await SendAsync(dan.Address), "sent");
        Assert.Equal("address", Assert.Single(implicitMx.Events("route")).GetProperty("details").GetProperty("route").GetString());

        // No such domain, or a null MX: permanent, bounced at once.
        var nxdomain = await admin.WaitForAsync(await SendAsync("x@nothere.test"), t => t.EventTypes().Contains("bounced"));
        Assert.Equal("failed", nxdomain.GetProperty("status").GetString());
        Assert.Contains("does not exist", Assert.Single(nxdomain.Events("failed")).GetProperty("details").GetProperty("reason").GetString());
        var nullMx = await admin.WaitForAsync(await SendAsync("y@null.test"), t => t.EventTypes().Contains("bounced"));
        Assert.Equal("5.1.10", Assert.Single(nullMx.Events("failed")).GetProperty("details").GetProperty("status").GetString());

        // The resolver refuses to answer: temporary.
        var refused = await admin.WaitForAsync(await SendAsync("z@unresolvable.example"), t => t.Events("deferred").Any());
        Assert.Equal("deferred", refused.GetProperty("status").GetString());
        Assert.Contains("DNS lookup of MX unresolvable.example failed", Assert.Single(refused.Events("deferred")).GetProperty("details").GetProperty("reason").GetString());
        Assert.DoesNotContain("bounced", refused.EventTypes());
    }

    /// <summary>A server's data directory with one mailbox, and the MX port it will listen on — but not running yet.</summary>
    private static async Task<(string Directory, int MxPort, string Address)> ProvisionedButStoppedAsync(string domain, string user)
    {
        var directory = TestPaths.NewTempDirectory();
        var port = TestPaths.FreeTcpPort();
        await using var server = new MailServer(DeliverySettings.For(domain), directory, port);
        var box = await server.CreateMailboxAsync(user, domain);
        return (directory, port, box.Address);
    }
}
