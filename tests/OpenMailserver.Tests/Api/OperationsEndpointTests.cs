using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>The health, queue, debug and operations endpoints of the contract, with their documented shapes.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class OperationsEndpointTests(SharedServer server)
{
    [Fact]
    public async Task Health_needs_no_key_and_reports_real_checks()
    {
        using var client = server.Rest();
        var health = await client.GetJsonAsync("/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Contains("openmailserver", health.GetProperty("platform").GetString());
        var checks = health.GetProperty("checks");
        Assert.Equal("ok", checks.GetProperty("database").GetString());
        Assert.Equal("ok", checks.GetProperty("data_directory").GetString());
        Assert.True(checks.TryGetProperty("queue", out _));
        Assert.Equal("ok", checks.GetProperty("delivery_worker").GetString());
        Assert.Equal("ok", checks.GetProperty("certificate").GetString());
    }

    [Fact]
    public async Task Debug_health_lists_checks_with_hints()
    {
        using var admin = server.Rest(server.AdminKey);
        var report = await admin.GetJsonAsync("/v1/debug/health");
        Assert.Contains(report.GetProperty("status").GetString(), new[] { "ok", "warn" });
        var checks = report.GetProperty("details").GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "database" && c.GetProperty("status").GetString() == "pass");
        Assert.All(checks, c => Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("details").GetString())));
    }

    [Fact]
    public async Task Config_is_the_effective_configuration_with_secrets_redacted()
    {
        using var configured = new ServerFactory(settings: new Dictionary<string, string?> { ["OpenMailserver:AdminApiKey"] = "oms_configured-admin-key-for-redaction-test" });
        using var admin = configured.Rest("oms_configured-admin-key-for-redaction-test");
        var report = await admin.GetJsonAsync("/v1/debug/config");
        var details = report.GetProperty("details");
        Assert.Equal("***configured***", details.GetProperty("admin_api_key").GetString());
        Assert.Equal(configured.DataDirectory, details.GetProperty("data_directory").GetString());
        Assert.Equal("mail.localhost", details.GetProperty("hostname").GetString());
        Assert.Equal(8788, details.GetProperty("grpc_port").GetInt32());
        Assert.DoesNotContain("configured-admin-key-for-redaction-test", report.GetRawText());
        // A configured key means no key file is written.
        Assert.False(File.Exists(Path.Combine(configured.DataDirectory, "admin-api-key")));
    }

    [Fact]
    public async Task Logs_show_recent_lines_without_secrets()
    {
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var report = await admin.GetJsonAsync("/v1/debug/logs?limit=500");
        var lines = report.GetProperty("details").GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(lines, l => l.Contains($"Created mailbox {box.Address}"));
        var text = report.GetRawText();
        Assert.DoesNotContain(box.Key, text);
        Assert.DoesNotContain(box.Password, text);
        Assert.DoesNotContain(server.AdminKey, text);
        Assert.Equal(2, (await admin.GetJsonAsync("/v1/debug/logs?limit=2")).GetProperty("details").GetProperty("lines").GetArrayLength());
        var warnings = (await admin.GetJsonAsync("/v1/debug/logs?level=warning")).GetProperty("details").GetProperty("lines");
        Assert.All(warnings.EnumerateArray(), l => Assert.DoesNotContain(" Information ", l.GetString()));
    }

    [Fact]
    public async Task Trace_of_unknown_message_is_404()
    {
        using var admin = server.Rest(server.AdminKey);
        await admin.GetJsonAsync("/v1/debug/messages/987654321/trace", 404);
    }

    [Fact]
    public async Task Queue_entries_have_the_documented_fields()
    {
        var box = await server.CreateMailboxAsync();
        long id;
        using (var client = server.Rest(box.Key))
            id = (await client.SendAsync(new { sender = box.Address, recipients = new[] { "far@away.test" }, subject = "q", text_body = "x" })).GetProperty("id").GetInt64();
        using var admin = server.Rest(server.AdminKey);
        // Every state: the first attempt may already have ended it (no such domain), which takes it off the pending list.
        var queue = await admin.GetJsonAsync("/v1/queue?state=all");
        Assert.Equal(JsonValueKind.Array, queue.ValueKind);
        var entry = queue.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == id);
        // The contract's fields first, then the queue's own: sender, attempts, next attempt, recipients.
        var names = entry.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["id", "state", "queue_id", "message_id", "error", "created_at"], names[..6]);
        Assert.Subset(new HashSet<string> { "sender", "attempts", "next_attempt_at", "recipients" }, names[6..].ToHashSet());
        Assert.Superset(new HashSet<string> { "sender", "attempts", "recipients" }, names[6..].ToHashSet());
        // A next attempt while a recipient waits for one; none while the attempt runs ("sending") or once it is over (the
        // first attempt may have ended it: no such domain).
        var waiting = entry.GetProperty("recipients").EnumerateArray().Any(r => r.GetProperty("state").GetString() is "queued" or "deferred");
        Assert.Equal(waiting, names.Contains("next_attempt_at"));
        Assert.Equal("far@away.test", entry.GetProperty("recipients")[0].GetProperty("address").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", entry.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task Debug_endpoints_answer_404_when_disabled()
    {
        using var quiet = new ServerFactory(settings: new Dictionary<string, string?> { ["OpenMailserver:Debug:Enabled"] = "false" });
        using var admin = quiet.Rest(quiet.AdminKey);
        foreach (var path in new[] { "/v1/debug/health", "/v1/debug/config", "/v1/debug/logs", "/v1/debug/messages/1/trace" })
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Outbound_message_has_exactly_the_documented_fields()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var sent = await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "fields", text_body = "x" });
        Assert.Equal(["id", "sender", "recipients", "subject", "state", "message_id", "queue_id", "error", "created_at", "sent_at"],
            sent.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(JsonValueKind.Number, sent.GetProperty("id").ValueKind);
        var summary = (await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0];
        // The contract's fields first, then the agent API's additions (README, REST API).
        Assert.Equal(["id", "subject", "from", "to", "date", "flags", "folder", "thread_id", "size", "received_at"],
            summary.EnumerateObject().Select(p => p.Name).ToArray());
        var message = await client.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={box.Address}");
        Assert.Equal(["id", "subject", "from", "to", "date", "body", "flags", "text_body", "html_body", "cc", "reply_to", "message_id_header",
            "in_reply_to", "references", "headers", "folder", "size", "thread_id", "attachments", "extracted_text", "labels", "received_at", "truncated"],
            message.EnumerateObject().Select(p => p.Name).ToArray());
    }
}
