extern alias ServerAssembly;
using Dapper;
using Microsoft.Data.Sqlite;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Storage;

namespace OpenMailserver.Tests.Storage;

/// <summary>Messages stored before search existed are indexed in the background at the next start, and rows of the
/// full-text index from before its rowids told time are given a timed one.</summary>
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

    [Fact]
    public async Task Rows_indexed_before_rowids_told_time_get_a_timed_one_after_a_restart()
    {
        var directory = TestPaths.NewTempDirectory();
        TestMailbox box;
        await using (var first = new ServerFactory(directory))
        {
            box = await first.CreateMailboxAsync();
            using var api = first.Rest(box.Key);
            await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Archived", text_body = "the word is heron" });
        }
        var database = $"Data Source={Path.Combine(directory, "openmailserver.db")};Pooling=False";
        await using (var connection = new SqliteConnection(database))
        {
            // As an index from before leaves it: rowids 1 and 2, in the order indexed.
            await connection.ExecuteAsync(
                """
                DELETE FROM message_search;
                UPDATE messages SET search_id = (SELECT COUNT(*) FROM messages m WHERE m.id <= messages.id);
                INSERT INTO message_search (rowid, subject, body, addresses) VALUES (1, 'Archived', 'the word is heron', ''), (2, 'Archived', 'the word is heron', '');
                """);
        }

        await using var second = new ServerFactory(directory);
        using var reader = second.Rest(box.Key);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long untimed;
        do
        {
            await using var connection = new SqliteConnection(database);
            untimed = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE search_id < @Timed", new { SearchRowIds.Timed });
            if (untimed > 0) await Task.Delay(100);
        } while (untimed > 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, untimed);
        Assert.Equal(2, (await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=*&text=heron")).GetArrayLength());
        Assert.Equal(0, (await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=*&text=pelican")).GetArrayLength());
    }
}
