using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Events;

/// <summary>WatchMailbox over native gRPC (the SDK) and over REST (newline-delimited JSON), with resume.</summary>
public sealed class WatchTests
{
    [Fact]
    public async Task A_message_arriving_over_smtp_reaches_a_grpc_watcher_within_a_second()
    {
        await using var server = new MailServer();
        var box = await server.CreateMailboxAsync();
        using var sdk = server.Sdk(box.Key);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = Channel.CreateUnbounded<MailboxEvent>();
        var watching = Task.Run(async () =>
        {
            // From the start of this new mailbox, so the watch sees the message whenever its call gets in.
            await foreach (var e in sdk.WatchAsync(box.Address, afterCursor: 0, eventTypes: ["message.received"], cancellationToken: stop.Token))
                await received.Writer.WriteAsync(e);
        });

        var clock = await SendOverMxAsync(server, box.Address, "Your code is 4711");
        var first = await received.Reader.ReadAsync(stop.Token);
        var latency = clock.Elapsed;
        Assert.True(latency < TimeSpan.FromSeconds(1), $"took {latency}");
        Assert.Equal("message.received", first.EventType);
        Assert.Equal("Your code is 4711", first.Details.Fields["subject"].StringValue);
        Assert.Equal("INBOX", first.Details.Fields["folder"].StringValue);
        using var rest = server.Rest(box.Key);
        Assert.Equal("Your code is 4711", (await rest.GetJsonAsync($"/v1/messages/{first.MessageId}?address={box.Address}")).GetProperty("subject").GetString());
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
    }

    [Fact]
    public async Task Rest_streams_ndjson_and_a_resume_with_the_cursor_misses_and_repeats_nothing_across_a_restart()
    {
        var directory = TestPaths.NewTempDirectory();
        TestMailbox box;
        long cursor;
        var seen = new List<JsonElement>();
        await using (var server = new MailServer(dataDirectory: directory))
        {
            box = await server.CreateMailboxAsync();
            using var client = server.Rest(box.Key);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var lines = ReadEventsAsync(client, $"/v1/mailboxes/{box.Address}/events", stop.Token).GetAsyncEnumerator(stop.Token);
            Assert.True(await lines.MoveNextAsync());
            Assert.Equal("watch.started", lines.Current.GetProperty("event_type").GetString());

            var clock = await SendOverMxAsync(server, box.Address, "First");
            Assert.True(await lines.MoveNextAsync());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
            seen.Add(lines.Current);
            Assert.Equal("message.received", lines.Current.GetProperty("event_type").GetString());
            Assert.Equal("First", lines.Current.GetProperty("details").GetProperty("subject").GetString());
            cursor = lines.Current.GetProperty("event_id").GetInt64();
            var id = lines.Current.GetProperty("message_id").GetString();
            await lines.DisposeAsync();
            await stop.CancelAsync();

            // While nobody watches: a send (sent + received, to itself), a flag change, another arrival.
            await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Second", text_body = "x" });
            var patched = await client.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, seen = true });
            patched.EnsureSuccessStatusCode();
        }

        await using (var restarted = new MailServer(dataDirectory: directory))
        {
            await SendOverMxAsync(restarted, box.Address, "Third");
            using var client = restarted.Rest(box.Key);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var resumed = new List<JsonElement>();
            await foreach (var e in ReadEventsAsync(client, $"/v1/mailboxes/{box.Address}/events?after={cursor}", stop.Token))
            {
                resumed.Add(e);
                if (resumed.Count == 4) break;
            }
            Assert.Equal(["message.sent", "message.received", "message.flags_changed", "message.received"], resumed.Select(e => e.GetProperty("event_type").GetString()));
            Assert.Equal(["Second", "Second", null, "Third"], resumed.Select(e => e.GetProperty("details").TryGetProperty("subject", out var s) ? s.GetString() : null));
            var ids = resumed.Select(e => e.GetProperty("event_id").GetInt64()).ToList();
            Assert.True(ids[0] > cursor);
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Equal(["\\Seen"], resumed[2].GetProperty("details").GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

            // Only some types, replayed from the start of the mailbox.
            var onlyReceived = new List<string?>();
            await foreach (var e in ReadEventsAsync(client, $"/v1/mailboxes/{box.Address}/events?after=0&event_types=message.received", stop.Token))
            {
                onlyReceived.Add(e.GetProperty("details").GetProperty("subject").GetString());
                if (onlyReceived.Count == 3) break;
            }
            Assert.Equal(["First", "Second", "Third"], onlyReceived);
        }
    }

    [Fact]
    public async Task The_sdk_watch_resumes_by_itself_across_a_server_restart()
    {
        var directory = TestPaths.NewTempDirectory();
        var (http, grpc) = (TestPaths.FreeTcpPort(), TestPaths.FreeTcpPort());
        var first = await ServerProcess.StartAsync(directory, httpPort: http, grpcPort: grpc);
        using var admin = first.Rest(first.AdminKey);
        var created = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "watcher", domain = "example.test" }))
            .Content.ReadAsStringAsync()).RootElement;
        var (address, key) = (created.GetProperty("mailbox").GetProperty("email").GetString()!, created.GetProperty("api_key").GetProperty("key").GetString()!);

        using var sdk = new OpenMailserver.Sdk.OpenMailserverClient($"http://127.0.0.1:{grpc}", key);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var events = Channel.CreateUnbounded<MailboxEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in sdk.WatchAsync(address, cancellationToken: stop.Token)) await events.Writer.WriteAsync(e);
        });
        await Task.Delay(500); // the watch begins "from now"
        using (var api = first.Rest(key))
            await api.SendAsync(new { sender = address, recipients = new[] { address }, subject = "Before", text_body = "x" });
        var got = new List<MailboxEvent> { await events.Reader.ReadAsync(stop.Token), await events.Reader.ReadAsync(stop.Token) };

        await first.KillAsync();
        await using var second = await ServerProcess.StartAsync(directory, httpPort: http, grpcPort: grpc);
        using (var api = second.Rest(key))
            await api.SendAsync(new { sender = address, recipients = new[] { address }, subject = "After", text_body = "x" });
        got.Add(await events.Reader.ReadAsync(stop.Token));
        got.Add(await events.Reader.ReadAsync(stop.Token));
        await first.DisposeAsync();

        Assert.Equal(["message.sent", "message.received", "message.sent", "message.received"], got.Select(e => e.EventType));
        Assert.Equal(["Before", "Before", "After", "After"], got.Select(e => e.Details.Fields["subject"].StringValue));
        Assert.Equal(got.Select(e => e.EventId).Order(), got.Select(e => e.EventId));
        Assert.Equal(4, got.Select(e => e.EventId).Distinct().Count());
        await Task.Delay(500);
        Assert.False(events.Reader.TryRead(out var extra), $"repeated or unexpected: {extra}");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
    }

    [Fact]
    public async Task A_mailbox_key_cannot_watch_another_mailbox_and_bad_parameters_are_refused()
    {
        await using var server = new MailServer();
        var (mine, other) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using var client = server.Rest(mine.Key);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/v1/mailboxes/{other.Address}/events?after=0", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/v1/mailboxes/{mine.Address}/events?event_types=message.exploded", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Rest("oms_wrong").GetAsync($"/v1/mailboxes/{mine.Address}/events", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
        using var sdk = server.Sdk(mine.Key);
        var denied = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
        {
            await foreach (var _ in sdk.WatchAsync(other.Address, 0)) { }
        });
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, denied.StatusCode);
    }

    private static async IAsyncEnumerable<JsonElement> ReadEventsAsync(HttpClient client, string path,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            if (line.Length > 0) yield return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Delivers a message from outside through the MX, as another server would; the clock starts when
    /// the server has acknowledged it.</summary>
    private static async Task<Stopwatch> SendOverMxAsync(MailServer server, string to, string subject)
    {
        server.Started();
        using var smtp = MailServer.SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", server.MxPort, SecureSocketOptions.None);
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse("someone@elsewhere.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain") { Text = "hello" };
        await smtp.SendAsync(message);
        var clock = Stopwatch.StartNew();
        await smtp.DisconnectAsync(true);
        return clock;
    }
}
