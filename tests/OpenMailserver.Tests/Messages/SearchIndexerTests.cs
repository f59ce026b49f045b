extern alias ServerAssembly;
using System.Text;
using Dapper;
using MailKit;
using Microsoft.Extensions.DependencyInjection;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Storage;

namespace OpenMailserver.Tests.Messages;

/// <summary>Text waits in <c>search_queue</c> after a delivery and reaches the full-text index in batches: a search
/// right after a delivery still finds it (the search indexes its mailbox's queue first), the background indexer
/// empties the queue on its own, and a copy made over IMAP is found in its new folder. The index holds no copy of
/// the text: a copy shares its original's row, which goes with the last message that names it.</summary>
public sealed class SearchIndexerTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<long> QueuedAsync()
    {
        await using var connection = await _server.Services.GetRequiredService<Database>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM search_queue");
    }

    [Fact]
    public async Task A_search_right_after_delivery_finds_it_and_the_queue_empties_in_the_background()
    {
        var box = await _server.CreateMailboxAsync();
        using var api = _server.Rest(box.Key);
        var messages = Enumerable.Range(0, 300).Select(i => new
        {
            raw = Encoding.ASCII.GetBytes($"From: a@example.org\r\nSubject: batch {i}\r\n\r\n{(i == 123 ? "zanzibar" : "ordinary")} words\r\n"),
            key = $"k{i}",
        }).ToArray();
        using (var admin = _server.Rest(_server.AdminKey))
            await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/import", new { messages });
        var found = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?text=zanzibar")).EnumerateArray().ToList();
        Assert.Equal("batch 123", Assert.Single(found).GetProperty("subject").GetString());
        Assert.Equal(300, (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?text=ordinary&limit=500")).GetArrayLength() + 1);

        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Later", text_body = "quetzal" });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await QueuedAsync() > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(0, await QueuedAsync());
        Assert.Equal(2, (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?text=quetzal&folder=*")).GetArrayLength());

        using var imap = await _server.ImapAsAsync(box);
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var uid = Assert.Single(await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.SubjectContains("Later")));
        await imap.Inbox.CopyToAsync(uid, await imap.GetFolderAsync("Junk"));
        await imap.DisconnectAsync(true);
        Assert.Equal("Later", Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?text=quetzal&folder=Junk")).EnumerateArray())
            .GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_copy_shares_the_index_row_of_its_original_until_the_last_of_them_is_gone()
    {
        var box = await _server.CreateMailboxAsync();
        using var api = _server.Rest(box.Key);
        using (var admin = _server.Rest(_server.AdminKey))
            await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/import",
                new { messages = new[] { new { raw = Encoding.ASCII.GetBytes("From: a@example.org\r\nSubject: Shared\r\n\r\naxolotl\r\n"), key = "k1" } } });
        async Task<int> FoundAsync() => (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?text=axolotl&folder=*")).GetArrayLength();
        async Task<long> RowsAsync()
        {
            await using var connection = await _server.Services.GetRequiredService<Database>().OpenAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM message_search WHERE message_search MATCH 'axolotl'");
        }
        Assert.Equal(1, await FoundAsync());

        using var imap = await _server.ImapAsAsync(box);
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var junk = await imap.GetFolderAsync("Junk");
        await imap.Inbox.CopyToAsync(Assert.Single(await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.All)), junk);
        Assert.Equal(2, await FoundAsync());
        Assert.Equal(1, await RowsAsync());

        // The original goes: the copy is still found.
        await imap.Inbox.AddFlagsAsync(0, MailKit.MessageFlags.Deleted, silent: true);
        await imap.Inbox.ExpungeAsync();
        Assert.Equal(1, await FoundAsync());
        Assert.Equal(1, await RowsAsync());

        // The copy goes too: so does the row.
        await junk.OpenAsync(FolderAccess.ReadWrite);
        await junk.AddFlagsAsync(0, MailKit.MessageFlags.Deleted, silent: true);
        await junk.ExpungeAsync();
        Assert.Equal(0, await FoundAsync());
        Assert.Equal(0, await RowsAsync());
        await imap.DisconnectAsync(true);
    }
}
