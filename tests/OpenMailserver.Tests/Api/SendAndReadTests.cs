using System.Net;
using System.Text;
using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

[Collection(SharedServerCollection.Name)]
public sealed class SendAndReadTests(SharedServer server)
{
    [Fact]
    public async Task Magic_moment_agent_sends_to_itself_and_reads_it_back()
    {
        var agent = await server.CreateMailboxAsync("agent");
        Assert.Equal("agent@example.test", agent.Address);
        using var client = server.Rest(agent.Key);

        var sent = await client.SendAsync(new
        {
            sender = agent.Address, recipients = new[] { agent.Address }, subject = "Hello from the API", text_body = "The verification code is 314159.",
        });
        Assert.Equal("sent", sent.GetProperty("state").GetString());
        var outboundId = sent.GetProperty("id").GetInt64();

        var outbound = await client.GetJsonAsync("/v1/outbound");
        var record = Assert.Single(outbound.EnumerateArray(), o => o.GetProperty("id").GetInt64() == outboundId);
        Assert.Equal("sent", record.GetProperty("state").GetString());
        Assert.Equal(new[] { agent.Address }, record.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));

        var inbox = await client.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages");
        var summary = Assert.Single(inbox.EnumerateArray());
        Assert.Equal("Hello from the API", summary.GetProperty("subject").GetString());
        Assert.Equal(agent.Address, summary.GetProperty("from").GetString());
        Assert.Equal(agent.Address, summary.GetProperty("to").GetString());
        Assert.Matches(@"^\w{3}, \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$", summary.GetProperty("date").GetString());

        var message = await client.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={agent.Address}");
        Assert.Equal("The verification code is 314159.", message.GetProperty("body").GetString()!.TrimEnd());

        var sentFolder = await client.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages?folder=Sent");
        Assert.Equal("Hello from the API", Assert.Single(sentFolder.EnumerateArray()).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Cc_and_bcc_are_delivered_and_bcc_never_appears_in_headers()
    {
        var (sender, to, cc, bcc) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync(), await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using var client = server.Rest(sender.Key);
        await client.SendAsync(new
        {
            sender = sender.Address, recipients = new[] { to.Address }, cc = new[] { cc.Address }, bcc = new[] { bcc.Address },
            subject = "copies", text_body = "x",
        });
        foreach (var box in new[] { to, cc, bcc })
        {
            using var reader = server.Rest(box.Key);
            var summary = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
            var raw = Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(server.DataDirectory, summary.GetProperty("id").GetString()!));
            Assert.Contains($"Cc: {cc.Address}", raw);
            Assert.DoesNotContain(bcc.Address, raw);
            Assert.DoesNotContain("Bcc:", raw, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Built_message_has_message_id_on_our_hostname_date_and_alternative_parts()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var sent = await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Grüße ✓", text_body = "plain", html_body = "<p>rich</p>" });
        Assert.EndsWith("@mail.localhost", sent.GetProperty("message_id").GetString());
        var summary = Assert.Single((await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        Assert.Equal("Grüße ✓", summary.GetProperty("subject").GetString());
        var raw = Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(server.DataDirectory, summary.GetProperty("id").GetString()!));
        Assert.Contains("multipart/alternative", raw);
        Assert.Contains("Message-Id: <", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Date: ", raw);
        var message = await client.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={box.Address}");
        Assert.Equal("plain", message.GetProperty("body").GetString()!.Trim());
    }

    [Fact]
    public async Task Html_only_message_body_is_the_html_as_text()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        await client.SendAsync(new
        {
            sender = box.Address, recipients = new[] { box.Address }, subject = "html",
            html_body = "<html><head><style>p{color:red}</style></head><body><p>Your code is <b>4242</b>.</p><script>alert(1)</script><p>Bye &amp; thanks</p></body></html>",
        });
        var summary = Assert.Single((await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        var body = (await client.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={box.Address}")).GetProperty("body").GetString();
        Assert.Equal("Your code is 4242.\nBye & thanks", body);
    }

    [Fact]
    public async Task Recipient_elsewhere_is_queued_with_a_trace()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var sent = await client.SendAsync(new { sender = box.Address, recipients = new[] { "someone@elsewhere.test", box.Address }, subject = "out", text_body = "x" });
        Assert.Equal("queued", sent.GetProperty("state").GetString());
        var id = sent.GetProperty("id").GetInt64();

        using var admin = server.Rest(server.AdminKey);
        var trace = await admin.TraceAsync(id);
        Assert.Equal(["accepted", "queued", "delivered_local"], trace.EventTypes().Take(3));

        // Still pending: the delivery engine is trying a domain that does not exist in this test's DNS.
        var queue = await admin.GetJsonAsync("/v1/queue?state=all");
        Assert.Contains(queue.EnumerateArray(), e => e.GetProperty("id").GetInt64() == id && e.GetProperty("queue_id").GetString() == sent.GetProperty("queue_id").GetString());
    }

    [Fact]
    public async Task Unknown_hosted_recipient_fails_with_a_reason()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var sent = await client.SendAsync(new { sender = box.Address, recipients = new[] { "nobody-at-all@example.test" }, subject = "x", text_body = "x" });
        Assert.Equal("failed", sent.GetProperty("state").GetString());
        Assert.Contains("no mailbox nobody-at-all@example.test", sent.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Listing_is_newest_first_and_honours_limit_folder_and_before()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        for (var i = 1; i <= 3; i++)
        {
            await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = $"m{i}", text_body = "x" });
            await Task.Delay(5);
        }
        var all = await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages");
        Assert.Equal(["m3", "m2", "m1"], all.EnumerateArray().Select(m => m.GetProperty("subject").GetString()!).ToArray());
        var two = await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?limit=2");
        Assert.Equal(2, two.GetArrayLength());

        var future = DateTimeOffset.UtcNow.AddMinutes(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        Assert.Equal(3, (await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?before={future}")).GetArrayLength());
        Assert.Equal(0, (await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?before=2000-01-01T00:00:00Z")).GetArrayLength());
        Assert.Equal(0, (await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Drafts")).GetArrayLength());
        await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=NoSuchFolder", 404);
    }

    [Fact]
    public async Task Admin_reads_any_mailbox_and_a_missing_message_is_404()
    {
        var box = await server.CreateMailboxAsync();
        using (var client = server.Rest(box.Key))
            await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "for admin", text_body = "x" });
        using var admin = server.Rest(server.AdminKey);
        var summary = Assert.Single((await admin.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        await admin.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={box.Address}");
        var missing = await admin.GetJsonAsync($"/v1/messages/0000000000000000?address={box.Address}", 404);
        Assert.Contains("No message", missing.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Sends_above_the_hourly_limit_are_refused_with_429()
    {
        using var limited = new ServerFactory(settings: new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxSendsPerHour"] = "2" });
        var box = await limited.CreateMailboxAsync();
        using var client = limited.Rest(box.Key);
        var request = new { sender = box.Address, recipients = new[] { box.Address }, subject = "s", text_body = "x" };
        await client.SendAsync(request);
        await client.SendAsync(request);
        var refused = await client.SendAsync(request, 429);
        Assert.Contains("the limit is 2", refused.GetProperty("message").GetString());
        Assert.Equal(2, (await client.GetJsonAsync("/v1/outbound")).GetArrayLength());
    }

    [Fact]
    public async Task A_full_mailbox_refuses_delivery_and_the_sender_sees_why()
    {
        using var small = new ServerFactory(settings: new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxMessagesPerMailbox"] = "1" });
        var (sender, full) = (await small.CreateMailboxAsync(), await small.CreateMailboxAsync());
        using var client = small.Rest(sender.Key);
        Assert.Equal("sent", (await client.SendAsync(new { sender = sender.Address, recipients = new[] { full.Address }, subject = "1", text_body = "x" })).GetProperty("state").GetString());
        var second = await client.SendAsync(new { sender = sender.Address, recipients = new[] { full.Address }, subject = "2", text_body = "x" });
        Assert.Equal("failed", second.GetProperty("state").GetString());
        Assert.Contains("is full", second.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Outbound_get_returns_one_record_and_unknown_is_404()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var sent = await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "one", text_body = "x" });
        var one = await client.GetJsonAsync($"/v1/outbound/{sent.GetProperty("id").GetInt64()}");
        Assert.Equal("one", one.GetProperty("subject").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/outbound/99999999")).StatusCode);
    }
}
