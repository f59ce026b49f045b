extern alias ServerAssembly;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Search;
using Microsoft.Extensions.DependencyInjection;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Storage;

namespace OpenMailserver.Tests.Messages;

/// <summary>Bringing existing mail in: the import call (admin only) stores each request whole or not at all, under
/// keys that make it safe to repeat, within the quota and without events, and a refused request writes no file;
/// <c>import mbox</c> on the command line, killed half-way and run again, leaves every message exactly once, with
/// its flags and date.</summary>
public sealed class ImportTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object Item(string key, string text, string[]? flags = null, string? receivedAt = null) => new
    {
        raw = Encoding.ASCII.GetBytes($"From: a@example.org\r\nSubject: {text}\r\nMessage-ID: <{key}@example.org>\r\n\r\n{text}\r\n"),
        key, flags = flags ?? [], received_at = receivedAt,
    };

    private int MessageFiles()
    {
        var directory = Path.Combine(_server.DataDirectory, "messages");
        return Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Length : 0;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(HttpClient api, string address, object body)
    {
        var response = await api.PostAsJsonAsync($"/v1/mailboxes/{address}/import", body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement);
    }

    [Fact]
    public async Task A_request_is_stored_whole_once_with_flags_and_dates_and_raises_no_event()
    {
        var box = await _server.CreateMailboxAsync();
        using var admin = _server.Rest(_server.AdminKey);
        using var api = _server.Rest(box.Key);
        var files = MessageFiles();
        var (status, body) = await ImportAsync(admin, box.Address, new
        {
            folder = "Archive", messages = new[] { Item("k1", "first") },
        });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(files, MessageFiles());
        (status, _) = await ImportAsync(api, box.Address, new { messages = new[] { Item("k1", "first") } });
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var request = new
        {
            messages = new[] { Item("k1", "first", ["\\Seen", "$Label"], "2020-05-01T10:00:00Z"), Item("k2", "second", ["\\Flagged"]) },
        };
        (status, body) = await ImportAsync(admin, box.Address, request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((2, 0), (body.GetProperty("imported").GetInt32(), body.TryGetProperty("skipped", out var s) ? s.GetInt32() : 0));
        (status, body) = await ImportAsync(admin, box.Address, request);
        Assert.Equal((0, 2), (body.TryGetProperty("imported", out var i) ? i.GetInt32() : 0, body.GetProperty("skipped").GetInt32()));

        var listed = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray().ToList();
        Assert.Equal(["second", "first"], listed.Select(m => m.GetProperty("subject").GetString()));
        var first = listed[1];
        Assert.Equal(["\\Seen", "$Label"], first.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(new DateTimeOffset(2020, 5, 1, 10, 0, 0, TimeSpan.Zero), first.GetProperty("received_at").GetDateTimeOffset());
        var raw = await api.GetByteArrayAsync($"/v1/messages/{first.GetProperty("id").GetString()}/raw?address={box.Address}");
        Assert.Equal("From: a@example.org\r\nSubject: first\r\nMessage-ID: <k1@example.org>\r\n\r\nfirst\r\n", Encoding.ASCII.GetString(raw));

        var events = _server.Services.GetRequiredService<IMailboxEventRepository>();
        Assert.Equal(0, await events.LatestIdAsync(box.Id));

        using var imap = await _server.ImapAsAsync(box);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, imap.Inbox.Count);
        Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.NotSeen));
        await imap.DisconnectAsync(true);
    }

    [Theory]
    [InlineData("duplicate key")]
    [InlineData("empty")]
    [InlineData("recent flag")]
    [InlineData("empty message")]
    [InlineData("long key")]
    [InlineData("keyword that breaks IMAP")]
    [InlineData("date in the future")]
    public async Task A_bad_request_is_refused_whole(string problem)
    {
        var box = await _server.CreateMailboxAsync();
        using var api = _server.Rest(_server.AdminKey);
        object[] messages = problem switch
        {
            "duplicate key" => [Item("same", "a"), Item("same", "b")],
            "empty" => [],
            "recent flag" => [Item("ok", "a"), Item("r", "b", ["\\Recent"])],
            "empty message" => [Item("ok", "a"), new { raw = Array.Empty<byte>(), key = "e" }],
            "keyword that breaks IMAP" => [Item("ok", "a", ["x]"])],
            "date in the future" => [Item("ok", "a", receivedAt: "2999-01-01T00:00:00Z")],
            _ => [Item(new string('k', 201), "a")],
        };
        var (status, body) = await ImportAsync(api, box.Address, new { messages });
        Assert.True(status == HttpStatusCode.BadRequest, body.ToString());
        Assert.Empty((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
    }

    [Fact]
    public async Task The_quota_counts_and_a_request_past_it_stores_nothing()
    {
        using var admin = _server.Rest(_server.AdminKey);
        var created = await admin.PostJsonAsync("/v1/mailboxes", new { local_part = Provisioning.UniqueLocalPart(), domain = "example.test", quota = 3 });
        var address = created.GetProperty("mailbox").GetProperty("email").GetString()!;
        var (status, _) = await ImportAsync(admin, address, new { messages = new[] { Item("a", "a"), Item("b", "b") } });
        Assert.Equal(HttpStatusCode.OK, status);
        var files = MessageFiles();
        (status, var body) = await ImportAsync(admin, address, new { messages = new[] { Item("c", "c"), Item("d", "d") } });
        Assert.True(status == HttpStatusCode.TooManyRequests, body.ToString());
        Assert.Equal(2, (await admin.GetJsonAsync($"/v1/mailboxes/{address}/messages")).GetArrayLength());
        Assert.Equal(files, MessageFiles());
    }

    [Fact]
    public async Task Import_mbox_killed_half_way_and_run_again_stores_each_message_once()
    {
        const int count = 8000;
        await using var server = await ServerProcess.StartAsync();
        using var admin = server.Rest(server.AdminKey);
        var created = await admin.PostJsonAsync("/v1/mailboxes", new { local_part = "import", domain = "example.test", quota = 20000 });
        var address = created.GetProperty("mailbox").GetProperty("email").GetString()!;
        var file = Path.Combine(server.DataDirectory, "..", $"import-{Guid.NewGuid():N}.mbox");
        await using (var writer = new StreamWriter(file))
            for (var n = 0; n < count; n++)
                await writer.WriteAsync($"From s{n}@example.org Mon Mar  2 09:{n / 60 % 60:00}:{n % 60:00} 2026\nFrom: s{n}@example.org\nSubject: import {n}\n" +
                                        (n % 4 == 0 ? "Status: RO\n" : "") + $"\nmessage {n}\n>From the archive\n\n");

        async Task<long> InboxCountAsync() =>
            (await admin.GetJsonAsync($"/v1/mailboxes/{address}/folders")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "INBOX")
            .GetProperty("messages").GetInt64();

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { ServerProcess.ServerDll(), "import", "mbox", file, "--mailbox", address, "--server", server.HttpBase, "--data-directory", server.DataDirectory })
            info.ArgumentList.Add(argument);
        using (var first = Process.Start(info)!)
        {
            _ = first.StandardOutput.ReadToEndAsync();
            _ = first.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (await InboxCountAsync() == 0 && DateTime.UtcNow < deadline && !first.HasExited) await Task.Delay(20);
            Assert.False(first.HasExited, "the import ended before it could be interrupted");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        // A batch the server had received when the import died is still stored: wait until the count settles.
        long stopped;
        for (var last = -1L; (stopped = await InboxCountAsync()) != last; last = stopped) await Task.Delay(1000);
        Assert.InRange(stopped, 1, count - 1);
        // Whole requests only: the batches of this file are 500 messages each.
        Assert.Equal(0, stopped % 500);

        var (exit, output) = await ServerProcess.RunCommandAsync("import", "mbox", file, "--mailbox", address, "--server", server.HttpBase, "--data-directory", server.DataDirectory);
        Assert.True(exit == 0, output);
        Assert.Contains($"Imported {count - stopped} messages", output);
        Assert.Contains($"{stopped} were imported before", output);
        Assert.Contains("[##############################] 100%", output);

        var inbox = (await admin.GetJsonAsync($"/v1/mailboxes/{address}/folders")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "INBOX");
        Assert.Equal(count, inbox.GetProperty("messages").GetInt64());
        Assert.Equal(count - count / 4, inbox.GetProperty("unread").GetInt64());
        var found = Assert.Single((await admin.GetJsonAsync($"/v1/mailboxes/{address}/messages?subject=import%207001")).EnumerateArray());
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 7001 / 60 % 60, 7001 % 60, TimeSpan.Zero), found.GetProperty("received_at").GetDateTimeOffset());
        var raw = await admin.GetByteArrayAsync($"/v1/messages/{found.GetProperty("id").GetString()}/raw?address={address}");
        Assert.Equal("From: s7001@example.org\r\nSubject: import 7001\r\n\r\nmessage 7001\r\nFrom the archive\r\n", Encoding.ASCII.GetString(raw));
        File.Delete(file);
    }
}
