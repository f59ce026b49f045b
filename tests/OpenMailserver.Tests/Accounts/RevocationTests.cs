using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using ModelContextProtocol.Client;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Accounts;

/// <summary>Rights end when they are revoked: a revoked key, a disabled mailbox or a reset password ends every
/// open stream, IMAP session (IDLE included), MCP wait and SMTP submission session of that credential within a
/// second, over real sockets.</summary>
public sealed class RevocationTests
{
    private const string ImapBye = "* BYE Logged out: the mailbox was disabled or its password changed";
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_revoked_key_ends_its_rest_and_grpc_streams_and_mcp_wait_and_retires_its_webhook_while_the_other_key_keeps_watching()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Webhooks:AllowPrivateTargets"] = "true" });
        server.OverSockets();
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var issued = await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/keys", new { name = "agent" });
        var (key, keyId) = (issued.GetProperty("key").GetString()!, issued.GetProperty("id").GetInt64());
        using var revoked = server.Rest(key);
        using var kept = server.Rest(box.Key);
        var webhook = await revoked.PostJsonAsync("/v1/webhooks", new { address = box.Address, url = "http://127.0.0.1:9/hook" });

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var revokedStream = await EventStream.OpenAsync(revoked, $"/v1/mailboxes/{box.Address}/events", stop.Token);
        await using var keptStream = await EventStream.OpenAsync(kept, $"/v1/mailboxes/{box.Address}/events", stop.Token);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}");
        using var grpcWatch = new OpenMailserver.V1.Events.EventsClient(channel).WatchMailbox(
            new OpenMailserver.V1.WatchMailboxRequest { Address = box.Address }, new Metadata { { "x-openmailserver-key", key } }, cancellationToken: stop.Token);
        Assert.True(await grpcWatch.ResponseStream.MoveNext(stop.Token));
        Assert.Equal("watch.started", grpcWatch.ResponseStream.Current.EventType);
        await using var mcp = await McpAsync(server, key);
        var waiting = mcp.CallToolAsync("wait_for_message", new Dictionary<string, object?> { ["timeout_seconds"] = 60 }, cancellationToken: stop.Token).AsTask();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        var clock = Stopwatch.StartNew();
        var revocation = await admin.DeleteAsync($"/v1/keys/{keyId}");
        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);

        var ending = await revokedStream.RestAsync(stop.Token);
        Assert.True(clock.Elapsed < OneSecond, $"the REST stream ended after {clock.Elapsed}");
        Assert.Equal("""{"code":16,"message":"The API key was revoked or its mailbox disabled; the watch has ended.","details":[]}""", ending);
        var grpcEnd = await Assert.ThrowsAsync<RpcException>(() => grpcWatch.ResponseStream.MoveNext(stop.Token));
        Assert.Equal(StatusCode.Unauthenticated, grpcEnd.StatusCode);
        Assert.Equal("The API key was revoked or its mailbox disabled; the watch has ended.", grpcEnd.Status.Detail);
        var waited = await waiting.WaitAsync(OneSecond);
        Assert.True(waited.IsError);
        Assert.Contains("The API key was revoked or its mailbox disabled; the wait has ended.", JsonSerializer.Serialize(waited.Content));
        Assert.True(clock.Elapsed < OneSecond + OneSecond, $"the gRPC stream and the MCP wait ended after {clock.Elapsed}");

        // Its webhook is gone with it; the other key still watches and is still answered.
        Assert.Equal(0, (await kept.GetJsonAsync("/v1/webhooks")).GetArrayLength());
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync($"/v1/mailboxes/{box.Address}")).StatusCode);
        await kept.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "still here", text_body = "x" });
        var next = JsonDocument.Parse((await keptStream.NextAsync(stop.Token))!).RootElement;
        Assert.Equal("message.sent", next.GetProperty("event_type").GetString());
        Assert.NotEqual(0, webhook.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Disabling_a_mailbox_ends_its_imap_sessions_idle_included_and_its_event_stream_within_a_second()
    {
        await using var server = new MailServer();
        server.OverSockets();
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stream = await EventStream.OpenAsync(server.Rest(box.Key), $"/v1/mailboxes/{box.Address}/events", stop.Token);
        await using var idle = await ImapConversation.LoginAsync(server, box);
        await idle.CommandAsync("SELECT INBOX");
        await idle.SendAsync("I1 IDLE\r\n");
        Assert.Equal("+ idling", await idle.LineAsync(stop.Token));
        await using var quiet = await ImapConversation.LoginAsync(server, box);
        Assert.EndsWith("OK [READ-WRITE] SELECT completed", (await quiet.CommandAsync("SELECT INBOX")).Last());

        var clock = Stopwatch.StartNew();
        (await admin.PostAsJsonAsync($"/v1/mailboxes/{box.Address}/disable", new { })).EnsureSuccessStatusCode();

        using var deadline = new CancellationTokenSource(OneSecond);
        Assert.Equal(ImapBye, await idle.LineAsync(deadline.Token));
        Assert.Null(await idle.LineAsync(deadline.Token));
        Assert.Equal(ImapBye, await quiet.LineAsync(deadline.Token));
        Assert.Null(await quiet.LineAsync(deadline.Token));
        Assert.Equal("""{"code":16,"message":"The API key was revoked or its mailbox disabled; the watch has ended.","details":[]}""", await stream.RestAsync(deadline.Token));
        Assert.True(clock.Elapsed < OneSecond, $"took {clock.Elapsed}");

        // Enabled again, the mailbox works with fresh sessions.
        (await admin.PostAsJsonAsync($"/v1/mailboxes/{box.Address}/enable", new { })).EnsureSuccessStatusCode();
        await using var again = await ImapConversation.LoginAsync(server, box);
        Assert.EndsWith("OK [READ-WRITE] SELECT completed", (await again.CommandAsync("SELECT INBOX")).Last());
    }

    [Fact]
    public async Task A_password_reset_ends_imap_sessions_and_smtp_submission_but_not_the_mailbox_keys()
    {
        await using var server = new MailServer();
        server.OverSockets();
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stream = await EventStream.OpenAsync(server.Rest(box.Key), $"/v1/mailboxes/{box.Address}/events", stop.Token);
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.CommandAsync("SELECT INBOX");
        await imap.SendAsync("I1 IDLE\r\n");
        Assert.Equal("+ idling", await imap.LineAsync(stop.Token));
        using var smtp = await server.SubmitAsAsync(box);

        var clock = Stopwatch.StartNew();
        var reset = await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/password", new { password = "a new password 123" });
        Assert.Equal("a new password 123", reset.GetProperty("password").GetString());
        using var deadline = new CancellationTokenSource(OneSecond);
        Assert.Equal(ImapBye, await imap.LineAsync(deadline.Token));
        Assert.Null(await imap.LineAsync(deadline.Token));
        Assert.True(clock.Elapsed < OneSecond, $"took {clock.Elapsed}");

        // The submission session is logged out: its next MAIL FROM is answered 530.
        var refused = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => smtp.SendAsync(new MimeKit.MimeMessage(
            [MimeKit.MailboxAddress.Parse(box.Address)], [MimeKit.MailboxAddress.Parse(box.Address)], "after the reset", new MimeKit.TextPart("plain") { Text = "x" })));
        Assert.StartsWith("5.7.0 Authentication required", refused.Message);

        // The key is another credential: its stream goes on.
        using var rest = server.Rest(box.Key);
        await rest.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "after", text_body = "x" });
        Assert.Equal("message.sent", JsonDocument.Parse((await stream.NextAsync(stop.Token))!).RootElement.GetProperty("event_type").GetString());
        box = box with { Password = "a new password 123" };
        await using var again = await ImapConversation.LoginAsync(server, box);
    }

    private static async Task<McpClient> McpAsync(ServerFactory server, string key)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{server.HttpPort}/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["X-OpenMailserver-Key"] = key },
        });
        return await McpClient.CreateAsync(transport);
    }

    /// <summary>A REST NDJSON event stream read line by line; the first line (watch.started) is read on opening.</summary>
    private sealed class EventStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;

        private EventStream(HttpResponseMessage response, StreamReader reader) => (_response, _reader) = (response, reader);

        public static async Task<EventStream> OpenAsync(HttpClient client, string path, CancellationToken cancellationToken)
        {
            var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
            Assert.Contains("\"event_type\":\"watch.started\"", await stream.NextAsync(cancellationToken));
            return stream;
        }

        public async Task<string?> NextAsync(CancellationToken cancellationToken)
        {
            while (await _reader.ReadLineAsync(cancellationToken) is { } line)
                if (line.Length > 0) return line;
            return null;
        }

        /// <summary>Everything until the server ends the stream.</summary>
        public async Task<string> RestAsync(CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            while (await NextAsync(cancellationToken) is { } line) lines.Add(line);
            return string.Join("\n", lines);
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
