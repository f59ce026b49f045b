extern alias ServerAssembly;
using Dapper;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

/// <summary>A text search walks the full-text index's matches newest first and stops after a page: page after page
/// it gives exactly what matching every message and sorting them gives (time, then id), whatever the filters, with
/// times tied to the millisecond, before 1970 and past the last second the rowids tell, another mailbox's matches in
/// between, copies sharing a row, and rows indexed before rowids told time, before and after the backfill gives
/// them one; and it reads a page's worth of matches, not all of them.</summary>
public sealed class SearchWalkTests : IAsyncLifetime
{
    private MigratedDatabase _store = null!;
    private SqliteMessageRepository _repository = null!;
    private SqliteStore _unitOfWork = null!;
    private readonly List<Stored> _messages = [];

    private sealed record Stored(string Id, long Mailbox, long Folder, bool Seen, long At, string Text, long SearchId);

    public async Task InitializeAsync()
    {
        _store = await MigratedDatabase.CreateAsync();
        _repository = new SqliteMessageRepository(_store.Database);
        _unitOfWork = new SqliteStore(_store.Database, new MailboxChanges());
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>600 messages: a third indexed the old way (small rowids in the order indexed, some shared by a copy),
    /// the rest queued and indexed as deliveries are.</summary>
    private async Task FillAsync(int seed)
    {
        var random = new Random(seed);
        long[] odd = [-5_000, -1, 0, 999, 1_000, 4_102_444_800_000_000, long.MaxValue / 2];
        await _store.Database.WriteAsync(async tx =>
        {
            await tx.Connection!.ExecuteAsync(
                """
                INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0);
                INSERT INTO mailboxes (id, domain_id, local_part, address, password_hash, quota, created_at) VALUES
                    (1, 1, 'a', 'a@example.test', 'x', 100000, 0), (2, 1, 'b', 'b@example.test', 'x', 100000, 0);
                INSERT INTO folders (id, mailbox_id, name, uid_validity) VALUES (1, 1, 'INBOX', 1), (2, 1, 'Sent', 2), (3, 2, 'INBOX', 3);
                """, transaction: tx);
            long oldRow = 0;
            for (var i = 0; i < 600; i++)
            {
                var mailbox = i % 7 == 0 ? 2 : 1;
                // Times in a narrow range of a few seconds (many equal to the millisecond), and a few far off.
                var at = random.Next(20) == 0 ? odd[random.Next(odd.Length)] : 1_796_000_000_000 + random.Next(0, 4_000);
                var text = string.Join(' ', random.Next(10) < 6 ? "common" : "plain", random.Next(40) == 0 ? "rare" : "filler", $"only{i}");
                var message = new Stored($"m{random.Next():x8}{i:d4}", mailbox, mailbox == 2 ? 3 : 1 + i % 2, random.Next(3) > 0, at, text, 0);
                var old = i % 3 == 0;
                // A copy of the message before: the same time and row of the index.
                var copy = old && i > 0 && random.Next(5) == 0 && _messages[^1].SearchId > 0 && _messages[^1].Mailbox == message.Mailbox;
                if (copy) message = message with { At = _messages[^1].At, Text = _messages[^1].Text, SearchId = _messages[^1].SearchId };
                else if (old) message = message with { SearchId = ++oldRow };
                await tx.Connection!.ExecuteAsync(
                    "INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob, search_id) VALUES (@Id, @Mailbox, @Folder, @uid, @flags, @At, 10, 'b', @searchId)",
                    new { message.Id, message.Mailbox, message.Folder, uid = i + 1, flags = message.Seen ? "\\Seen" : "", message.At, searchId = old ? message.SearchId : (long?)null }, tx);
                if (old && !copy)
                    await tx.Connection!.ExecuteAsync("INSERT INTO message_search (rowid, subject, body, addresses) VALUES (@SearchId, '', @Text, '')", message, tx);
                if (!old)
                    await tx.Connection!.ExecuteAsync("INSERT INTO search_queue (message_id, mailbox_id, subject, body, addresses) VALUES (@Id, @Mailbox, '', @Text, '')", message, tx);
                _messages.Add(message);
            }
            return 0;
        });
        while (await _unitOfWork.WriteAsync(tx => _repository.IndexQueuedAsync(tx, null, 50)) > 0)
        {
        }
    }

    private async Task<List<string>> SearchAsync(MessageQuery query, int pageSize)
    {
        var found = new List<string>();
        PagePosition? after = null;
        while (true)
        {
            var page = await _repository.QueryAsync(query with { Limit = pageSize, After = after });
            found.AddRange(page.Select(m => m.Id));
            if (page.Count < pageSize) return found;
            after = new PagePosition(page[^1].ReceivedAt, page[^1].Id);
        }
    }

    private List<string> Expected(string word, Func<Stored, bool> filter) =>
        [.. _messages.Where(m => m.Mailbox == 1 && m.Text.Split(' ').Contains(word) && filter(m))
            .OrderByDescending(m => m.At).ThenByDescending(m => m.Id, StringComparer.Ordinal).Select(m => m.Id)];

    private async Task AssertEveryPageAsync()
    {
        foreach (var pageSize in new[] { 1, 7, 50 })
        {
            Assert.Equal(Expected("common", _ => true), await SearchAsync(new MessageQuery(1, 0) { Text = "common" }, pageSize));
            Assert.Equal(Expected("rare", _ => true), await SearchAsync(new MessageQuery(1, 0) { Text = "rare" }, pageSize));
            Assert.Equal(Expected("common", m => m.Folder == 2 && !m.Seen), await SearchAsync(new MessageQuery(1, 0) { Text = "common", FolderId = 2, Unread = true }, pageSize));
            Assert.Equal(Expected("common", m => m.At >= 1_796_000_001_500 && m.At < 1_796_000_003_000),
                await SearchAsync(new MessageQuery(1, 0) { Text = "common", Since = 1_796_000_001_500, Before = 1_796_000_003_000 }, pageSize));
        }
        Assert.Empty(await SearchAsync(new MessageQuery(1, 0) { Text = "absent" }, 50));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_page_is_what_matching_and_sorting_every_message_gives_before_and_after_the_backfill(int seed)
    {
        await FillAsync(seed);
        await AssertEveryPageAsync();

        // The backfill's second step: every untimed row gets a timed one, for the copies sharing it too.
        var end = await _repository.UntimedEndAsync();
        long after = 0;
        while (await _repository.ListUntimedAsync(after, end, 40) is { Count: > 0 } batch)
        {
            after = batch[^1].SearchId;
            await _unitOfWork.WriteAsync(async tx =>
            {
                foreach (var row in batch.DistinctBy(m => m.SearchId))
                    await _repository.RetimeSearchRowAsync(tx, row.SearchId, row.ReceivedAt,
                        IndexedFields.Empty with { Text = _messages.First(m => m.SearchId == row.SearchId).Text });
                return 0;
            });
        }
        await using (var connection = await _store.Database.OpenAsync())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE search_id < @Timed", new { SearchRowIds.Timed }));
            Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT search_id) FROM messages"),
                await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM message_search WHERE message_search MATCH 'filler OR rare'"));
            // Every timed row lies in the second its message was received in (the last second for those past it).
            foreach (var (searchId, at) in await connection.QueryAsync<(long, long)>("SELECT search_id, received_at FROM messages"))
                Assert.Equal(SearchRowIds.First(at), searchId - (searchId - SearchRowIds.Timed) % SearchRowIds.PerSecond);
        }
        await AssertEveryPageAsync();
    }

    [Fact]
    public async Task A_page_of_a_word_most_messages_hold_reads_a_page_of_matches_not_all()
    {
        await _store.Database.WriteAsync(async tx =>
        {
            await tx.Connection!.ExecuteAsync(
                """
                INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0);
                INSERT INTO mailboxes (id, domain_id, local_part, address, password_hash, quota, created_at) VALUES (1, 1, 'a', 'a@example.test', 'x', 100000, 0);
                INSERT INTO folders (id, mailbox_id, name, uid_validity) VALUES (1, 1, 'INBOX', 1);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                INSERT INTO messages (id, mailbox_id, folder_id, uid, received_at, size, blob) SELECT printf('m%06d', i), 1, 1, i, 1796000000000 + i * 100, 10, 'b' FROM n;
                INSERT INTO search_queue (message_id, mailbox_id, subject, body, addresses) SELECT id, 1, '', 'everywhere', '' FROM messages;
                """, transaction: tx);
            return 0;
        });
        while (await _unitOfWork.WriteAsync(tx => _repository.IndexQueuedAsync(tx, null, 5000)) > 0)
        {
        }
        // The oldest message's time cannot be read (it is not a number), in its row and in the index the walk reads:
        // a search that reached it would fail.
        await _store.Database.WriteAsync(tx => tx.Connection!.ExecuteAsync("UPDATE messages SET received_at = 'unreadable' WHERE id = 'm000001'", transaction: tx));
        await Assert.ThrowsAnyAsync<Exception>(() => _repository.QueryAsync(new MessageQuery(1, 20000) { Text = "everywhere" }));

        var page = await _repository.QueryAsync(new MessageQuery(1, 51) { Text = "everywhere" });
        Assert.Equal(Enumerable.Range(0, 51).Select(i => $"m{20000 - i:d6}"), page.Select(m => m.Id));
        var next = await _repository.QueryAsync(new MessageQuery(1, 51) { Text = "everywhere", After = new PagePosition(page[^1].ReceivedAt, page[^1].Id) });
        Assert.Equal(Enumerable.Range(51, 51).Select(i => $"m{20000 - i:d6}"), next.Select(m => m.Id));
    }

    [Fact]
    public async Task A_second_whose_rowids_are_all_taken_gives_an_untimed_row_that_is_still_found()
    {
        const long at = 1_796_000_000_000;
        await _store.Database.WriteAsync(async tx =>
        {
            await tx.Connection!.ExecuteAsync(
                """
                INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0);
                INSERT INTO mailboxes (id, domain_id, local_part, address, password_hash, quota, created_at) VALUES (1, 1, 'a', 'a@example.test', 'x', 100000, 0);
                INSERT INTO folders (id, mailbox_id, name, uid_validity) VALUES (1, 1, 'INBOX', 1);
                INSERT INTO messages (id, mailbox_id, folder_id, uid, received_at, size, blob, search_id) VALUES ('full', 1, 1, 1, @at, 10, 'b', @last);
                INSERT INTO message_search (rowid, subject, body, addresses) VALUES (@last, '', 'crowded', '');
                INSERT INTO messages (id, mailbox_id, folder_id, uid, received_at, size, blob) VALUES ('late', 1, 1, 2, @at, 10, 'b'), ('older', 1, 1, 3, @older, 10, 'b');
                INSERT INTO search_queue (message_id, mailbox_id, subject, body, addresses) VALUES ('late', 1, '', 'crowded', ''), ('older', 1, '', 'crowded', '');
                """, new { at, older = at - 10_000, last = SearchRowIds.First(at) + SearchRowIds.PerSecond - 1 }, tx);
            return 0;
        });
        await _unitOfWork.WriteAsync(tx => _repository.IndexQueuedAsync(tx, null, 10));
        await using (var connection = await _store.Database.OpenAsync())
            Assert.True(SearchRowIds.Untimed(await connection.ExecuteScalarAsync<long>("SELECT search_id FROM messages WHERE id = 'late'")));
        Assert.Equal(["late", "full", "older"], (await _repository.QueryAsync(new MessageQuery(1, 10) { Text = "crowded" })).Select(m => m.Id));
        Assert.Equal(["late", "full"], (await _repository.QueryAsync(new MessageQuery(1, 2) { Text = "crowded" })).Select(m => m.Id));
    }
}
