using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Delivery;

/// <summary>Retry now and cancel on a queue whose destination is down; who may do it; what they may see.</summary>
public sealed class QueueOperationsTests
{
    [Fact]
    public async Task Admin_retries_now_and_cancels_without_a_bounce()
    {
        var downPort = TestPaths.FreeTcpPort();
        // One retry an hour: only "retry now" can make a second attempt happen within the test.
        await using var a = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["down.test"] = downPort }, retryDelay: "01:00:00"));
        var agent = await a.CreateMailboxAsync("agent", "a.test");
        using var rest = a.Rest(agent.Key);
        using var admin = a.Rest(a.AdminKey);
        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "x@down.test" }, subject = "stuck", text_body = "x" })).GetProperty("id").GetInt64();
        await admin.WaitForStateAsync(id, "deferred");

        var entry = Assert.Single((await admin.GetJsonAsync("/v1/queue")).EnumerateArray(), e => e.GetProperty("id").GetInt64() == id);
        var next = DateTimeOffset.Parse(entry.GetProperty("next_attempt_at").GetString()!);
        Assert.InRange(next - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Equal(1, entry.GetProperty("attempts").GetInt32());
        Assert.Contains("Connection refused", entry.GetProperty("recipients")[0].GetProperty("last_error").GetString());

        // A mailbox key may not operate the queue.
        Assert.Equal(HttpStatusCode.Forbidden, (await rest.PostAsync($"/v1/queue/{id}/retry", null)).StatusCode);

        var retried = await admin.PostAsync($"/v1/queue/{id}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var trace = await admin.WaitForAsync(id, t => t.Events("deferred").Count() == 2);
        trace.AssertInOrder("deferred", "retry_requested", "attempt", "deferred");
        Assert.Equal("API key 1", Assert.Single(trace.Events("retry_requested")).GetProperty("details").GetProperty("by").GetString()![..9]);

        var cancelled = JsonDocument.Parse(await (await admin.PostAsync($"/v1/queue/{id}/cancel", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("failed", cancelled.GetProperty("state").GetString());
        Assert.Equal("cancelled by an operator", cancelled.GetProperty("recipients")[0].GetProperty("last_error").GetString());
        var final = await admin.TraceAsync(id);
        Assert.Equal("cancelled", final.EventTypes()[^1]);
        Assert.DoesNotContain("bounced", final.EventTypes());
        Assert.DoesNotContain((await admin.GetJsonAsync("/v1/queue")).EnumerateArray(), e => e.GetProperty("id").GetInt64() == id);
        Assert.Contains((await admin.GetJsonAsync("/v1/queue?state=failed")).EnumerateArray(), e => e.GetProperty("id").GetInt64() == id);

        // Nothing is waiting any more, and unknown ids are unknown.
        var again = await admin.PostAsync($"/v1/queue/{id}/retry", null);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("no recipient waiting", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/v1/queue/987654/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Mailbox_keys_see_their_own_traces_only_and_no_response_or_log_holds_the_dkim_private_key()
    {
        var downPort = TestPaths.FreeTcpPort();
        await using var a = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["down.test"] = downPort }));
        var one = await a.CreateMailboxAsync("one", "a.test");
        var two = await a.CreateMailboxAsync("two", "a.test");
        using var oneRest = a.Rest(one.Key);
        using var twoRest = a.Rest(two.Key);
        using var admin = a.Rest(a.AdminKey);
        var id = (await oneRest.SendAsync(new { sender = one.Address, recipients = new[] { "x@down.test" }, subject = "mine", text_body = "x" })).GetProperty("id").GetInt64();
        await admin.WaitForAsync(id, t => t.EventTypes().Contains("dkim_signed"));

        Assert.Equal("accepted", (await oneRest.TraceAsync(id)).EventTypes()[0]);
        Assert.Equal(HttpStatusCode.NotFound, (await twoRest.GetAsync($"/v1/debug/messages/{id}/trace")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await twoRest.GetAsync($"/v1/outbound/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await oneRest.GetAsync("/v1/queue")).StatusCode); // the queue is the operators'

        var keyFile = Path.Combine(a.DataDirectory, "dkim", "a.test.pem");
        var pem = await File.ReadAllTextAsync(keyFile);
        Assert.Contains("PRIVATE KEY", pem);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var secret = pem.Split('\n')[2].Trim(); // a line of the key's base64 body
        foreach (var path in new[] { "/v1/debug/config", "/v1/debug/logs?limit=2000", $"/v1/debug/messages/{id}/trace", "/v1/queue?state=all", "/v1/debug/health" })
            Assert.DoesNotContain(secret, await admin.GetStringAsync(path));
    }
}
