using Dapper;
using Microsoft.Data.Sqlite;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

/// <summary>Messages stored before search existed are indexed in the background at the next start.</summary>
public sealed class SearchBackfillTests
{
    [Fact]
    public async Task Unindexed_messages_are_found_by_search_after_a_restart()
    {
        var directory = TestPaths.NewTempDirectory();
        TestMailbox box;
        await using (var first = new ServerFactory(directory))
        {
            box = await first.CreateMailboxAsync();
            using var api = first.Rest(box.Key);
            await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Archived", text_body = "the word is pelican" });
        }
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "openmailserver.db")};Pooling=False"))
        {
            // As a data directory from before migration 5 leaves it: no search rows.
            await connection.ExecuteAsync("UPDATE messages SET search_id = NULL; DELETE FROM message_search;");
        }

        await using var second = new ServerFactory(directory);
        using var reader = second.Rest(box.Key);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        int found;
        do
        {
            found = (await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=*&text=pelican")).GetArrayLength();
            if (found < 2) await Task.Delay(100);
        } while (found < 2 && DateTime.UtcNow < deadline);
        Assert.Equal(2, found); // the INBOX copy and the Sent copy
    }
}
