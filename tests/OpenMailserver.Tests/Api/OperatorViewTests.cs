using System.Net.Http.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>The endpoints behind the operator's views: folders with counts, the server's counts, the
/// list of backups. Each is part of the API, so the dashboard shows nothing a script could not get.</summary>
public sealed class OperatorViewTests : IAsyncLifetime
{
    private readonly ServerFactory _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Folders_list_inbox_first_with_message_and_unread_counts_for_the_owner_and_the_operator_only()
    {
        var (alice, bob) = (await _server.CreateMailboxAsync("alice"), await _server.CreateMailboxAsync("bob"));
        using var aliceApi = _server.Rest(alice.Key);
        await aliceApi.SendAsync(new { sender = alice.Address, recipients = new[] { bob.Address }, subject = "one", text_body = "x" });
        await aliceApi.SendAsync(new { sender = alice.Address, recipients = new[] { bob.Address }, subject = "two", text_body = "x" });
        using var bobApi = _server.Rest(bob.Key);
        var first = (await bobApi.GetJsonAsync($"/v1/mailboxes/{bob.Address}/messages"))[0].GetProperty("id").GetString();
        (await bobApi.PatchAsJsonAsync($"/v1/messages/{first}", new { address = bob.Address, seen = true })).EnsureSuccessStatusCode();

        var folders = (await bobApi.GetJsonAsync($"/v1/mailboxes/{bob.Address}/folders")).EnumerateArray().ToList();
        Assert.Equal(["INBOX", "Drafts", "Junk", "Sent", "Trash"], folders.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(2, folders[0].GetProperty("messages").GetInt64());
        Assert.Equal(1, folders[0].GetProperty("unread").GetInt64());
        Assert.Equal("\\Sent", folders[3].GetProperty("special_use").GetString());

        using var admin = _server.Rest(_server.AdminKey);
        var sent = (await admin.GetJsonAsync($"/v1/mailboxes/{alice.Address}/folders")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Sent");
        Assert.Equal(2, sent.GetProperty("messages").GetInt64());
        await aliceApi.GetJsonAsync($"/v1/mailboxes/{bob.Address}/folders", expectedStatus: 403);
        await admin.GetJsonAsync("/v1/mailboxes/nobody@example.test/folders", expectedStatus: 404);
    }

    [Fact]
    public async Task Stats_count_domains_mailboxes_aliases_todays_mail_and_outbound_states_for_the_operator()
    {
        var alice = await _server.CreateMailboxAsync("alice");
        var carol = await _server.CreateMailboxAsync("carol", "other.test");
        using var admin = _server.Rest(_server.AdminKey);
        await admin.PostJsonAsync("/v1/aliases", new { source = "team@example.test", destination = alice.Address });
        await admin.PostJsonAsync($"/v1/mailboxes/{carol.Address}/disable", new { });
        using var aliceApi = _server.Rest(alice.Key);
        await aliceApi.SendAsync(new { sender = alice.Address, recipients = new[] { "team@example.test" }, subject = "to myself", text_body = "x" });

        var stats = await admin.GetJsonAsync("/v1/stats");
        Assert.Equal(2, stats.GetProperty("domains").GetInt64());
        Assert.Equal(1, stats.GetProperty("mailboxes").GetInt64());
        Assert.Equal(1, stats.GetProperty("disabled_mailboxes").GetInt64());
        Assert.Equal(1, stats.GetProperty("aliases").GetInt64());
        Assert.Equal(1, stats.GetProperty("received_today").GetInt64()); // the copy in Sent is not received mail
        Assert.Equal(1, stats.GetProperty("sent_today").GetInt64());
        Assert.Equal(1, stats.GetProperty("outbound_by_state").GetProperty("sent").GetInt64());
        await aliceApi.GetJsonAsync("/v1/stats", expectedStatus: 403);
    }

    [Fact]
    public async Task Backups_are_listed_newest_first_by_the_name_validation_takes()
    {
        using var admin = _server.Rest(_server.AdminKey);
        Assert.Empty((await admin.GetJsonAsync("/v1/backups")).EnumerateArray());
        var path = (await admin.PostJsonAsync("/v1/backup", new { })).GetProperty("path").GetString()!;

        var listed = Assert.Single((await admin.GetJsonAsync("/v1/backups")).EnumerateArray());
        var name = listed.GetProperty("name").GetString()!;
        Assert.Equal(Path.GetFileName(path), name);
        Assert.Equal(new FileInfo(path).Length, listed.GetProperty("size").GetInt64());
        Assert.True(DateTimeOffset.UtcNow - listed.GetProperty("created_at").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
        var check = await admin.PostJsonAsync("/v1/restore/validate", new { path = name });
        Assert.Equal("ok", check.GetProperty("status").GetString());

        var mailbox = await _server.CreateMailboxAsync();
        await _server.Rest(mailbox.Key).GetJsonAsync("/v1/backups", expectedStatus: 403);
    }

    [Fact]
    public async Task A_backup_path_holding_a_nul_character_is_a_bad_request()
    {
        // Found by the JSON body property: the file system refused the name and the call failed with a 500.
        using var admin = _server.Rest(_server.AdminKey);
        var response = await admin.PostAsJsonAsync("/v1/restore/validate", new { path = "backup\u0000.omsbak" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("NUL character", (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("message").GetString());
    }
}
