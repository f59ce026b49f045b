using System.Net;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Events;

/// <summary>The MCP server at /mcp, driven by the official SDK's own client over streamable HTTP.</summary>
public sealed class McpTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<McpClient> ConnectAsync(string key)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_server.Server.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["X-OpenMailserver-Key"] = key },
        }, _server.CreateClient(), ownsHttpClient: true);
        return await McpClient.CreateAsync(transport);
    }

    [Fact]
    public async Task An_agent_lists_the_tools_sends_to_itself_and_waits_for_the_message()
    {
        var box = await _server.CreateMailboxAsync();
        await using var client = await ConnectAsync(box.Key);

        var tools = await client.ListToolsAsync();
        Assert.Equal(["list_messages", "list_threads", "read_message", "reply_to_message", "search_messages", "send_message", "wait_for_message"],
            tools.Select(t => t.Name).Order());
        Assert.All(tools, t => Assert.True(t.Description?.Length > 40, $"{t.Name} needs a description an agent can act on"));
        var send = tools.Single(t => t.Name == "send_message");
        Assert.Contains("\"to\"", send.JsonSchema.GetRawText());

        // The wait starts before the send (it blocks until the message arrives); received_after makes the
        // test independent of which of the two calls the server happens to begin first.
        var waiting = client.CallToolAsync("wait_for_message", new Dictionary<string, object?>
        {
            ["subject_contains"] = "verification", ["timeout_seconds"] = 30, ["received_after"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"),
        });
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);
        var sent = await client.CallToolAsync("send_message", new Dictionary<string, object?>
        {
            ["to"] = new[] { box.Address }, ["subject"] = "Your verification code", ["text"] = "The code is 271828.",
        });
        Assert.NotEqual(true, sent.IsError);
        Assert.Equal("sent", Json(sent).GetProperty("state").GetString());

        var arrived = await waiting;
        Assert.NotEqual(true, arrived.IsError);
        var found = Json(arrived);
        Assert.False(found.GetProperty("timed_out").GetBoolean());
        Assert.Contains("271828", found.GetProperty("text").GetString());
        var id = found.GetProperty("message").GetProperty("id").GetString()!;

        var read = Json(await client.CallToolAsync("read_message", new Dictionary<string, object?> { ["message_id"] = id }));
        Assert.Equal("Your verification code", read.GetProperty("subject").GetString());
        var search = Json(await client.CallToolAsync("search_messages", new Dictionary<string, object?> { ["query"] = "271828" }));
        Assert.Equal(2, search.GetArrayLength()); // the INBOX copy and the Sent copy

        var replied = Json(await client.CallToolAsync("reply_to_message", new Dictionary<string, object?> { ["message_id"] = id, ["text"] = "Thanks!" }));
        Assert.Equal("Re: Your verification code", replied.GetProperty("subject").GetString());
        var threads = Json(await client.CallToolAsync("list_threads", new Dictionary<string, object?>()));
        Assert.Equal(4, Assert.Single(threads.EnumerateArray()).GetProperty("message_count").GetInt32());

        var timedOut = Json(await client.CallToolAsync("wait_for_message", new Dictionary<string, object?> { ["subject_contains"] = "never", ["timeout_seconds"] = 1 }));
        Assert.True(timedOut.GetProperty("timed_out").GetBoolean());
        var already = Json(await client.CallToolAsync("wait_for_message", new Dictionary<string, object?>
        {
            ["text_contains"] = "271828", ["received_after"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"), ["timeout_seconds"] = 1,
        }));
        Assert.False(already.GetProperty("timed_out").GetBoolean());
    }

    [Fact]
    public async Task Read_message_offers_hostile_attachment_names_safe_to_save_with_the_original_beside()
    {
        var box = await _server.CreateMailboxAsync();
        Assert.StartsWith("250 ", await SmtpConversation.DeliverAsync(_server.Started().MxPort, "mallory@sender.test", box.Address,
            HostileMessages.AttachmentNames(box.Address)));
        using var rest = _server.Rest(box.Key);
        var id = Assert.Single((await rest.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();

        await using var client = await ConnectAsync(box.Key);
        var read = Json(await client.CallToolAsync("read_message", new Dictionary<string, object?> { ["message_id"] = id }));
        var attachments = read.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(HostileMessages.SafeNames, attachments.Select(a => a.GetProperty("filename").GetString()));
        Assert.Equal(HostileMessages.OriginalNames, attachments.Select(a => a.GetProperty("original_filename").GetString()));
        Assert.False(read.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Another_mailboxes_key_is_refused_and_so_are_operator_and_missing_keys()
    {
        var (owner, other) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        using var rest = _server.Rest(owner.Key);
        await rest.SendAsync(new { sender = owner.Address, recipients = new[] { owner.Address }, subject = "Private", text_body = "secret" });
        var id = Assert.Single((await rest.GetJsonAsync($"/v1/mailboxes/{owner.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();

        await using var intruder = await ConnectAsync(other.Key);
        var refused = await intruder.CallToolAsync("read_message", new Dictionary<string, object?> { ["message_id"] = id });
        Assert.True(refused.IsError);
        Assert.DoesNotContain("secret", Text(refused));
        Assert.Empty(Json(await intruder.CallToolAsync("search_messages", new Dictionary<string, object?> { ["query"] = "secret" })).EnumerateArray());

        using var http = _server.CreateClient();
        foreach (var key in new[] { "", "oms_not-a-key", _server.AdminKey })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
            {
                Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (key.Length > 0) request.Headers.Add("X-OpenMailserver-Key", key);
            var response = await http.SendAsync(request);
            Assert.Equal(key == _server.AdminKey ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static JsonElement Json(CallToolResult result) => JsonDocument.Parse(Text(result)).RootElement;
}
