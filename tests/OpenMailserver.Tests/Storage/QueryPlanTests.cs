extern alias ServerAssembly;
using Dapper;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

/// <summary>The plan SQLite chooses for each statement that runs per message or per request: it seeks the
/// intended index and never walks all of <c>messages</c>, whether the planner has statistics of this data or
/// only those of an empty database (a fresh install before its first refresh), so a plan cannot silently
/// turn into a scan that grows with the mailbox.</summary>
public sealed class QueryPlanTests : IAsyncLifetime
{
    private MigratedDatabase _store = null!;

    public async Task InitializeAsync()
    {
        _store = await MigratedDatabase.CreateAsync();
        await _store.Database.WriteAsync(tx => tx.Connection!.ExecuteAsync(
            """
            INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0);
            INSERT INTO mailboxes (id, domain_id, local_part, address, password_hash, quota, created_at) VALUES
                (1, 1, 'big', 'big@example.test', 'x', 10000000, 0), (2, 1, 'other', 'other@example.test', 'x', 10000000, 0);
            INSERT INTO folders (id, mailbox_id, name, uid_validity) VALUES (1, 1, 'INBOX', 1), (2, 1, 'Sent', 2), (3, 2, 'INBOX', 3);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
            INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob, message_id_header, thread_id, base_subject, search_id)
            SELECT printf('m%06d', i), CASE WHEN i > 4500 THEN 2 ELSE 1 END, CASE WHEN i > 4500 THEN 3 WHEN i > 4000 THEN 2 ELSE 1 END, i,
                   CASE WHEN i % 3 = 0 THEN '\Seen' WHEN i % 97 = 0 THEN '\Deleted' ELSE '' END, 1000 + i, 5000, printf('b%d', i),
                   printf('<%d@example.test>', i), printf('t%d', i % 400), printf('subject %d', i % 50), i FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
            INSERT INTO message_search (rowid, subject, body, addresses) SELECT i, 'subject', CASE WHEN i % 1000 = 0 THEN 'needle' ELSE 'hay' END, '' FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
            INSERT INTO expunged (folder_id, uid, modseq) SELECT 1, 10000 + i, i FROM n;
            """, transaction: tx));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public static TheoryData<string, string> Statements() => new()
    {
        { "thread by reference", "messages_message_id" },
        { "thread by subject", "messages_base_subject" },
        { "folder listing page", "messages_listing" },
        { "folder listing, next page", "messages_listing" },
        { "mailbox listing page", "messages_mailbox_received" },
        { "unread in a folder", "messages_listing" },
        { "text search", "messages_search_id" },
        { "recent count", "(folder_id=? AND uid>?)" },
        { "deleted in a folder", "messages_deleted" },
        { "changed since a modseq", "messages_folder_modseq" },
        { "changed after a modseq and UID, a page", "messages_folder_modseq (folder_id=? AND (modseq,uid)>(?,?))" },
        { "unseen UIDs", "messages_unseen" },
        { "flagged UIDs", "messages_flagged" },
        { "deleted UIDs", "messages_deleted" },
        { "UIDs of a folder", "(folder_id=? AND uid>?)" },
        { "messages by UID", "(folder_id=? AND uid=?)" },
        { "messages in a UID range", "(folder_id=? AND uid>? AND uid<?)" },
        { "conversations, newest message first", "messages_mailbox_received" },
        { "a conversation's last message", "messages_thread" },
        { "a conversation's counts", "messages_thread" },
    };

    private static (string Sql, object Parameters) Statement(string name) => name switch
    {
        "thread by reference" => (SqliteMessageRepository.ThreadByReference, new { mailboxId = 1, related = new[] { "<5@example.test>", "<6@example.test>" } }),
        "thread by subject" => (SqliteMessageRepository.ThreadBySubject, new { mailboxId = 1, threadKey = "subject 3", since = 1000 }),
        "folder listing page" => Query(new MessageQuery(1, 50) { FolderId = 1 }),
        "folder listing, next page" => Query(new MessageQuery(1, 50) { FolderId = 1, After = new PagePosition(3000, "m002000") }),
        "mailbox listing page" => Query(new MessageQuery(1, 50)),
        "unread in a folder" => Query(new MessageQuery(1, 50) { FolderId = 1, Unread = true }),
        "text search" => Query(new MessageQuery(1, 50) { Text = "needle" }),
        "recent count" => (SqliteMessageRepository.CountFromUid, new { folderId = 1, fromUid = 3990 }),
        "deleted in a folder" => (SqliteMessageRepository.ListDeleted, new { folderId = 1 }),
        "unseen UIDs" => (SqliteMessageRepository.UidsWith(IndexedFlag.Unseen), new { folderId = 1, limit = 1 }),
        "flagged UIDs" => (SqliteMessageRepository.UidsWith(IndexedFlag.Flagged), new { folderId = 1, limit = int.MaxValue }),
        "deleted UIDs" => (SqliteMessageRepository.UidsWith(IndexedFlag.Deleted), new { folderId = 1, limit = int.MaxValue }),
        "changed since a modseq" => (SqliteMessageRepository.ChangedSince, new { folderId = 1, modseq = 3990 }),
        "changed after a modseq and UID, a page" => (SqliteMessageRepository.ChangedAfter, new { folderId = 1, modseq = 10, uid = 5, limit = 500 }),
        "UIDs of a folder" => (SqliteMessageRepository.ListUids, new { folderId = 1, after = 3990 }),
        "messages by UID" => (SqliteMessageRepository.EntriesByUid, new { folderId = 1, chunk = new[] { 5, 7, 3999 } }),
        "conversations, newest message first" => (SqliteMessageRepository.ThreadWalk, new { mailboxId = 1, at = 3000, id = "m002000", limit = 200 }),
        "a conversation's last message" => (SqliteMessageRepository.ThreadLastAt, new { mailboxId = 1, threadId = "t7" }),
        "a conversation's counts" => (SqliteMessageRepository.ThreadCounts, new { mailboxId = 1, threadId = "t7" }),
        "messages in a UID range" => (SqliteMessageRepository.EntriesInRange, new { folderId = 1, first = 3000, last = 3500 }),
        _ => throw new ArgumentException(name),
    };

    private static (string, object) Query(MessageQuery q) => SqliteMessageRepository.Query(q);

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Seeks_its_index_with_the_statistics_of_an_empty_database(string statement, string index) =>
        AssertSeeks(await PlanAsync(statement), index);

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Seeks_its_index_with_statistics_of_the_data(string statement, string index)
    {
        await _store.Database.WriteAsync(tx => tx.Connection!.ExecuteAsync(PlannerStatistics.Analyze, transaction: tx));
        AssertSeeks(await PlanAsync(statement), index);
    }

    /// <summary>The statistics <c>ANALYZE</c> sampled (<c>analysis_limit</c>) from a one-million-message INBOX in
    /// the scale benchmark: they put 560 messages in a folder, and the planner read the whole INBOX for UNSEEN.</summary>
    private const string MillionMessageStatistics =
        """
        DELETE FROM sqlite_stat1 WHERE tbl = 'messages';
        INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
            ('messages', 'messages_folder_modseq', '1001060 560 1'), ('messages', 'messages_deleted', '0 0 0'),
            ('messages', 'messages_flagged', '0 0 0'), ('messages', 'messages_unseen', '5117 1001 1'),
            ('messages', 'messages_search_id', '1001060 1'), ('messages', 'messages_mailbox_received', '1001060 1001 2 1'),
            ('messages', 'messages_base_subject', '1001060 1001 1001 2'), ('messages', 'messages_thread', '1001060 1001 1 1'),
            ('messages', 'messages_message_id', '1001060 1001 1'), ('messages', 'messages_listing', '1001060 560 2 1'),
            ('messages', 'sqlite_autoindex_messages_2', '1001060 560 1'), ('messages', 'sqlite_autoindex_messages_1', '1001060 1');
        """;

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Seeks_its_index_with_the_statistics_sampled_from_a_million_messages(string statement, string index)
    {
        await _store.Database.WriteAsync(tx => tx.Connection!.ExecuteAsync(PlannerStatistics.Analyze + ";" + MillionMessageStatistics, transaction: tx));
        AssertSeeks(await PlanAsync(statement, reloadStatistics: true), index);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Removals_since_a_modseq_seek_their_index(bool withStatistics)
    {
        if (withStatistics) await _store.Database.WriteAsync(tx => tx.Connection!.ExecuteAsync(PlannerStatistics.Analyze, transaction: tx));
        await using var connection = await _store.Database.OpenAsync();
        var plan = (await connection.QueryAsync<(long, long, long, string)>("EXPLAIN QUERY PLAN " + SqliteMessageRepository.ExpungedSince,
            new { folderId = 1, modseq = 19990 })).Select(row => row.Item4).ToList();
        Assert.Contains(plan, step => step.StartsWith("SEARCH expunged USING ", StringComparison.Ordinal) && step.Contains("INDEX expunged_since", StringComparison.Ordinal) && step.Contains("modseq>?", StringComparison.Ordinal));
    }

    /// <summary>A text search takes its matches newest first in batches: the full-text index gives them in rowid
    /// order itself, so a batch costs its own rows, not a sort of every match.</summary>
    [Fact]
    public async Task Full_text_matches_come_in_rowid_order_from_the_index_without_a_sort()
    {
        await using var connection = await _store.Database.OpenAsync();
        var plan = (await connection.QueryAsync<(long, long, long, string)>("EXPLAIN QUERY PLAN " + SqliteMessageRepository.SearchMatches,
            new { Text = "needle", below = long.MaxValue, batch = 100 })).Select(row => row.Item4).ToList();
        Assert.Contains(plan, step => step.StartsWith("SCAN message_search VIRTUAL TABLE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("B-TREE", StringComparison.Ordinal));

        // Their positions, for a search of the mailbox, from the index alone.
        var (sql, parameters) = SqliteMessageRepository.Query(new MessageQuery(1, 50) { Text = "needle", Since = 1000 });
        var positions = (await connection.QueryAsync<(long, long, long, string)>("EXPLAIN QUERY PLAN " + sql, parameters)).Select(row => row.Item4).ToList();
        Assert.Contains(positions, step => step.StartsWith("SEARCH messages USING COVERING INDEX messages_search_id", StringComparison.Ordinal));
    }

    private static void AssertSeeks(IReadOnlyList<string> plan, string index)
    {
        var text = string.Join(" | ", plan);
        Assert.Contains(plan, step => step.StartsWith("SEARCH messages ", StringComparison.Ordinal) && step.Contains(index, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN messages", StringComparison.Ordinal));
        Assert.False(text.Contains("SCAN messages", StringComparison.Ordinal), text);
    }

    private async Task<IReadOnlyList<string>> PlanAsync(string statement, bool reloadStatistics = false)
    {
        var (sql, parameters) = Statement(statement);
        await using var connection = await _store.Database.OpenAsync();
        // A pooled connection keeps the statistics it read; this makes it read them again.
        if (reloadStatistics) await connection.ExecuteAsync("ANALYZE sqlite_schema");
        return [.. (await connection.QueryAsync<(long, long, long, string)>("EXPLAIN QUERY PLAN " + sql, parameters)).Select(row => row.Item4)];
    }
}
