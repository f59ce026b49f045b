extern alias ServerAssembly;
using Dapper;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

/// <summary>Conversations are listed by walking the mailbox from its newest message, not by grouping all of it:
/// page after page, the walk gives exactly what grouping the whole mailbox gives (the order of the last
/// message's time, then the conversation id; counts and unread over every folder), ties and conversations
/// spread over earlier pages included.</summary>
public sealed class ThreadListingTests : IAsyncLifetime
{
    private MigratedDatabase _store = null!;

    public async Task InitializeAsync() => _store = await MigratedDatabase.CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 7)]
    [InlineData(4, 50)]
    public async Task Every_page_is_what_grouping_the_whole_mailbox_gives(int seed, int pageSize)
    {
        var random = new Random(seed);
        await _store.Database.WriteAsync(async tx =>
        {
            await tx.Connection!.ExecuteAsync(
                """
                INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0);
                INSERT INTO mailboxes (id, domain_id, local_part, address, password_hash, quota, created_at) VALUES
                    (1, 1, 'a', 'a@example.test', 'x', 100000, 0), (2, 1, 'b', 'b@example.test', 'x', 100000, 0);
                INSERT INTO folders (id, mailbox_id, name, uid_validity) VALUES (1, 1, 'INBOX', 1), (2, 1, 'Sent', 2), (3, 2, 'INBOX', 3);
                """, transaction: tx);
            // 600 messages in 80 conversations, times drawn from a narrow range so that many are equal, spread
            // over two folders, and another mailbox's messages in between.
            for (var i = 0; i < 600; i++)
            {
                var mailbox = i % 10 == 0 ? 2 : 1;
                await tx.Connection!.ExecuteAsync(
                    "INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob, thread_id) VALUES (@id, @mailbox, @folder, @uid, @flags, @at, 10, 'b', @thread)",
                    new
                    {
                        id = $"m{random.Next():x8}{i:d4}", mailbox, folder = mailbox == 2 ? 3 : 1 + i % 2, uid = i + 1,
                        flags = random.Next(3) == 0 ? "" : "\\Seen", at = random.Next(0, 200), thread = $"t{random.Next(80):d2}",
                    }, tx);
            }
            return 0;
        });

        List<ThreadRecord> expected;
        await using (var connection = await _store.Database.OpenAsync())
            expected = (await connection.QueryAsync<ThreadRecord>(
                """
                SELECT thread_id AS ThreadId, COUNT(*) AS Messages, SUM(1 - seen) AS Unread, MAX(received_at) AS LastAt
                FROM messages WHERE mailbox_id = 1 GROUP BY thread_id ORDER BY LastAt DESC, thread_id DESC
                """)).AsList();

        var repository = new SqliteMessageRepository(_store.Database);
        var listed = new List<ThreadRecord>();
        PagePosition? after = null;
        while (true)
        {
            var page = await repository.ListThreadsAsync(1, pageSize, after);
            listed.AddRange(page);
            if (page.Count < pageSize) break;
            after = new PagePosition(page[^1].LastAt, page[^1].ThreadId);
        }
        Assert.Equal(expected, listed);
    }
}
