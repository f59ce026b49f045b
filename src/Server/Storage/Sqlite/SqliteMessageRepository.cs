using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteMessageRepository(Database database) : SqliteRepository(database), IMessageRepository
{
    private const string FolderColumns =
        "id, mailbox_id AS MailboxId, name, special_use AS SpecialUse, uid_validity AS UidValidity, uid_next AS UidNext, highest_modseq AS HighestModSeq, first_recent_uid AS FirstRecentUid, " +
        "message_count AS MessageCount, unseen_count AS UnseenCount, total_size AS TotalSize";

    private const string MessageColumns =
        """
        id, mailbox_id AS MailboxId, folder_id AS FolderId, uid, flags, received_at AS ReceivedAt, size, blob, subject,
        from_header AS FromHeader, to_header AS ToHeader, cc_header AS CcHeader, date_header AS DateHeader,
        message_id_header AS MessageIdHeader, in_reply_to AS InReplyTo, thread_id AS ThreadId
        """;

    public async Task<FolderRecord> CreateFolderAsync(IUnitOfWork tx, long mailboxId, string name, string? specialUse, long uidValidity)
    {
        var assigned = await Sql(tx).Connection!.ExecuteScalarAsync<long>(
            "UPDATE mailboxes SET last_uid_validity = MAX(@uidValidity, last_uid_validity + 1) WHERE id = @mailboxId RETURNING last_uid_validity",
            new { mailboxId, uidValidity }, Sql(tx));
        return await Sql(tx).Connection!.QuerySingleAsync<FolderRecord>(
            $"INSERT INTO folders (mailbox_id, name, special_use, uid_validity) VALUES (@mailboxId, @name, @specialUse, @assigned) RETURNING {FolderColumns}",
            new { mailboxId, name, specialUse, assigned }, Sql(tx));
    }

    public Task<FolderRecord?> FindFolderAsync(long mailboxId, string name, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<FolderRecord>(
            $"SELECT {FolderColumns} FROM folders WHERE mailbox_id = @mailboxId AND name = @name", new { mailboxId, name }, t));

    public Task<FolderRecord?> FindFolderByIdAsync(long mailboxId, long folderId) =>
        ReadAsync(null, (c, t) => c.QuerySingleOrDefaultAsync<FolderRecord>(
            $"SELECT {FolderColumns} FROM folders WHERE mailbox_id = @mailboxId AND id = @folderId", new { mailboxId, folderId }, t));

    public Task<IReadOnlyList<FolderRecord>> ListFoldersAsync(long mailboxId, IUnitOfWork? tx = null) =>
        ReadAsync<IReadOnlyList<FolderRecord>>(tx, async (c, t) => (await c.QueryAsync<FolderRecord>(
            $"SELECT {FolderColumns} FROM folders WHERE mailbox_id = @mailboxId ORDER BY id", new { mailboxId }, t)).AsList());

    public async Task<MessageRecord> InsertAsync(IUnitOfWork tx, long mailboxId, FolderRecord folder, NewMessage message)
    {
        var f = message.Fields;
        var threadKey = ThreadSubject.Key(f.Subject);
        var threadId = await FindThreadAsync(tx, mailboxId, f, threadKey, message.ReceivedAt) ?? Guid.CreateVersion7().ToString("N");
        var record = await InsertRowAsync(tx, mailboxId, folder, message.Flags, message.ReceivedAt, message.Size, message.Blob, f.Subject, f.From, f.To, f.Cc,
            f.Date, f.MessageId, f.InReplyTo, threadId, threadKey, searchId: null, message.Structure);
        await Sql(tx).Connection!.ExecuteAsync(
            "INSERT INTO search_queue (message_id, mailbox_id, subject, body, addresses) VALUES (@Id, @mailboxId, @Subject, @Text, @addresses)",
            new { record.Id, mailboxId, f.Subject, f.Text, addresses = string.Join(' ', f.From, f.To, f.Cc) }, Sql(tx));
        return record;
    }

    public async Task<MessageRecord> CopyAsync(IUnitOfWork tx, MessageRecord source, FolderRecord destination, string flags)
    {
        var (threadKey, sourceSearch) = await Sql(tx).Connection!.QuerySingleAsync<(string, long?)>(
            "SELECT base_subject, search_id FROM messages WHERE id = @Id", new { source.Id }, Sql(tx));
        var structure = await Sql(tx).Connection!.ExecuteScalarAsync<byte[]?>(
            "SELECT structure FROM message_structures WHERE message_id = @Id", new { source.Id }, Sql(tx));
        // The copy shares its original's row of the full-text index, or is queued like it while the original waits.
        var copy = await InsertRowAsync(tx, source.MailboxId, destination, flags, source.ReceivedAt, source.Size, source.Blob, source.Subject, source.FromHeader,
            source.ToHeader, source.CcHeader, source.DateHeader, source.MessageIdHeader, source.InReplyTo, source.ThreadId, threadKey, searchId: sourceSearch, structure);
        if (sourceSearch is null)
            await Sql(tx).Connection!.ExecuteAsync(
                """
                INSERT INTO search_queue (message_id, mailbox_id, subject, body, addresses)
                SELECT @copy, @MailboxId, subject, body, addresses FROM search_queue WHERE message_id = @Id
                """, new { copy = copy.Id, source.MailboxId, source.Id }, Sql(tx));
        return copy;
    }

    public async Task<MessageRecord> MoveAsync(IUnitOfWork tx, MessageRecord message, FolderRecord destination)
    {
        await Sql(tx).Connection!.ExecuteAsync("UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = @FolderId", new { message.FolderId }, Sql(tx));
        var (uid, modseq) = await Sql(tx).Connection!.QuerySingleAsync<(long, long)>(
            "UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = @Id RETURNING uid_next - 1, highest_modseq",
            new { destination.Id }, Sql(tx));
        await Sql(tx).Connection!.ExecuteAsync("UPDATE messages SET folder_id = @folder, uid = @uid, modseq = @modseq WHERE id = @Id",
            new { folder = destination.Id, uid, modseq, message.Id }, Sql(tx));
        Changed(tx, message.MailboxId);
        return message with { FolderId = destination.Id, Uid = uid };
    }

    public Task<long> CountQueuedAsync(long mailboxId) =>
        ReadAsync(null, (c, t) => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM search_queue WHERE mailbox_id = @mailboxId", new { mailboxId }, t));

    /// <summary>Moves a batch of queued text into the full-text index, with the rows inserted by one statement in
    /// rowid order, so FTS5 gathers the whole batch in memory and writes it as one segment. Each row gets a rowid
    /// of the second its message was received (<see cref="SearchRowIds"/>), recorded as the message's <c>search_id</c>.</summary>
    public async Task<int> IndexQueuedAsync(IUnitOfWork tx, long? mailboxId, int limit)
    {
        var queued = (await Sql(tx).Connection!.QueryAsync<(string MessageId, long ReceivedAt)>(
            $"SELECT q.message_id, m.received_at FROM search_queue q JOIN messages m ON m.id = q.message_id {(mailboxId is null ? "" : "WHERE q.mailbox_id = @mailboxId")} ORDER BY q.rowid LIMIT @limit",
            new { mailboxId, limit }, Sql(tx))).AsList();
        if (queued.Count == 0) return 0;
        var rowIds = await NextSearchRowIdsAsync(tx, queued.Select(m => m.ReceivedAt));
        var batch = JsonSerializer.Serialize(queued.Select((m, i) => new object[] { rowIds[i], m.MessageId }));
        await Sql(tx).Connection!.ExecuteAsync(
            """
            CREATE TEMP TABLE IF NOT EXISTS search_batch (search_id INTEGER PRIMARY KEY, message_id TEXT NOT NULL);
            DELETE FROM temp.search_batch;
            INSERT INTO temp.search_batch (search_id, message_id) SELECT value ->> 0, value ->> 1 FROM json_each(@batch);
            INSERT INTO message_search (rowid, subject, body, addresses)
            SELECT b.search_id, q.subject, q.body, q.addresses FROM temp.search_batch b JOIN search_queue q ON q.message_id = b.message_id ORDER BY b.search_id;
            UPDATE messages SET search_id = (SELECT b.search_id FROM temp.search_batch b WHERE b.message_id = messages.id)
            WHERE id IN (SELECT message_id FROM temp.search_batch);
            DELETE FROM search_queue WHERE message_id IN (SELECT message_id FROM temp.search_batch);
            """, new { batch }, Sql(tx));
        return queued.Count;
    }

    /// <summary>A free rowid of the full-text index for each time, in the second it falls in: one past the highest a
    /// message of that second holds. A second whose rowids are all taken gives one below every timed row, which
    /// searches read whole.</summary>
    private static async Task<long[]> NextSearchRowIdsAsync(IUnitOfWork tx, IEnumerable<long> receivedAts)
    {
        var next = new Dictionary<long, long>();
        long? untimed = null;
        var rowIds = new List<long>();
        foreach (var receivedAt in receivedAts)
        {
            var first = SearchRowIds.First(receivedAt);
            if (!next.TryGetValue(first, out var rowId))
                rowId = 1 + (await Sql(tx).Connection!.ExecuteScalarAsync<long?>(
                    "SELECT MAX(search_id) FROM messages WHERE search_id >= @first AND search_id < @end", new { first, end = first + SearchRowIds.PerSecond }, Sql(tx))
                    ?? first - 1);
            if (rowId < first + SearchRowIds.PerSecond)
            {
                next[first] = rowId + 1;
                rowIds.Add(rowId);
                continue;
            }
            untimed ??= 1 + (await Sql(tx).Connection!.ExecuteScalarAsync<long?>(
                "SELECT MAX(search_id) FROM messages WHERE search_id < @Timed", new { SearchRowIds.Timed }, Sql(tx)) ?? 0);
            rowIds.Add(untimed.Value);
            untimed++;
        }
        return [.. rowIds];
    }

    /// <summary>Adds a message's text to the full-text index as the row <paramref name="rowId"/>.</summary>
    private static Task AddSearchTextAsync(IUnitOfWork tx, long rowId, IndexedFields f) =>
        Sql(tx).Connection!.ExecuteAsync("INSERT INTO message_search (rowid, subject, body, addresses) VALUES (@rowId, @Subject, @Text, @addresses)",
            new { rowId, f.Subject, f.Text, addresses = string.Join(' ', f.From, f.To, f.Cc) }, Sql(tx));

    /// <summary>The conversation a new message belongs to: that of a message it names in References or
    /// In-Reply-To, or of another copy of itself; failing that, for an answer ("Re: …") whose client dropped those headers, the latest
    /// message with the same subject in the last <see cref="SubjectWindow"/>.</summary>
    private static async Task<string?> FindThreadAsync(IUnitOfWork tx, long mailboxId, IndexedFields fields, string threadKey, long receivedAt)
    {
        // Another copy of this very message (sent to oneself, or arriving twice) counts as a reference too.
        var related = fields.MessageId.Length > 0 ? fields.References.Append(fields.MessageId).ToList() : fields.References;
        if (related.Count > 0)
        {
            var byReference = await Sql(tx).Connection!.QueryFirstOrDefaultAsync<string>(ThreadByReference, new { mailboxId, related }, Sql(tx));
            if (byReference is not null) return byReference;
        }
        ThreadSubject.Strip(fields.Subject, out var isAnswer);
        if (!isAnswer || threadKey.Length == 0) return null;
        return await Sql(tx).Connection!.QueryFirstOrDefaultAsync<string>(ThreadBySubject,
            new { mailboxId, threadKey, since = receivedAt - (long)SubjectWindow.TotalMilliseconds }, Sql(tx));
    }

    /// <summary>The thread of the earliest of the referenced messages. The unary plus keeps the planner from
    /// reading the mailbox in time order to satisfy the ORDER BY (or a MIN), which it otherwise prefers: that
    /// walked the whole mailbox on every delivery. This way it is a seek per referenced id, and a sort of those.</summary>
    internal const string ThreadByReference =
        "SELECT thread_id FROM messages WHERE mailbox_id = @mailboxId AND message_id_header IN @related ORDER BY +received_at LIMIT 1";

    internal const string ThreadBySubject =
        "SELECT thread_id FROM messages WHERE mailbox_id = @mailboxId AND base_subject = @threadKey AND received_at >= @since ORDER BY received_at DESC LIMIT 1";

    private static readonly TimeSpan SubjectWindow = TimeSpan.FromDays(30);

    private static async Task<MessageRecord> InsertRowAsync(IUnitOfWork tx, long mailboxId, FolderRecord folder, string flags, long receivedAt, long size,
        string blob, string subject, string from, string to, string cc, string date, string messageId, string inReplyTo, string threadId, string threadKey,
        long? searchId, byte[]? structure)
    {
        var (uid, modseq) = await Sql(tx).Connection!.QuerySingleAsync<(long, long)>(
            "UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = @Id RETURNING uid_next - 1, highest_modseq",
            new { folder.Id }, Sql(tx));
        var record = new MessageRecord(
            Id: Guid.CreateVersion7().ToString("N"), MailboxId: mailboxId, FolderId: folder.Id, Uid: uid, Flags: flags,
            ReceivedAt: receivedAt, Size: size, Blob: blob, Subject: subject, FromHeader: from, ToHeader: to, CcHeader: cc,
            DateHeader: date, MessageIdHeader: messageId, InReplyTo: inReplyTo, ThreadId: threadId);
        await Sql(tx).Connection!.ExecuteAsync(
            """
            INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob, subject, from_header,
                                  to_header, cc_header, date_header, message_id_header, modseq, in_reply_to, thread_id, base_subject, search_id)
            VALUES (@Id, @MailboxId, @FolderId, @Uid, @Flags, @ReceivedAt, @Size, @Blob, @Subject, @FromHeader,
                    @ToHeader, @CcHeader, @DateHeader, @MessageIdHeader, @modseq, @InReplyTo, @ThreadId, @threadKey, @searchId)
            """, new
            {
                record.Id, record.MailboxId, record.FolderId, record.Uid, record.Flags, record.ReceivedAt, record.Size, record.Blob, record.Subject,
                record.FromHeader, record.ToHeader, record.CcHeader, record.DateHeader, record.MessageIdHeader, modseq, record.InReplyTo,
                record.ThreadId, threadKey, searchId,
            }, Sql(tx));
        if (structure is not null)
            await Sql(tx).Connection!.ExecuteAsync("INSERT INTO message_structures (message_id, structure) VALUES (@Id, @structure)",
                new { record.Id, structure }, Sql(tx));
        Changed(tx, mailboxId);
        return record;
    }

    /// <summary>The count the triggers of migration 0008 keep, not a count of the rows.</summary>
    public Task<long> CountInMailboxAsync(long mailboxId, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.ExecuteScalarAsync<long>("SELECT message_count FROM mailboxes WHERE id = @mailboxId", new { mailboxId }, t));

    /// <summary>The sizes the triggers of migration 0012 keep per folder, summed: a row per folder, not per message.</summary>
    public Task<long> StorageUsedAsync(long mailboxId, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(total_size), 0) FROM folders WHERE mailbox_id = @mailboxId", new { mailboxId }, t));

    public Task<IReadOnlyList<MessageRecord>> QueryAsync(MessageQuery q)
    {
        if (q.Text is not null) return SearchAsync(q);
        var (sql, parameters) = Query(q);
        return ReadAsync<IReadOnlyList<MessageRecord>>(null, async (c, t) => (await c.QueryAsync<MessageRecord>(sql, parameters, t)).AsList());
    }

    /// <summary>The statement for a query, with only the conditions it has, so the planner sees which index
    /// serves it: the folder's listing index for one folder (newest first, stopping at the page's end), the
    /// mailbox's otherwise. For a text search, the position (rowid, time, id) of the messages among a batch of the
    /// full-text index's matches (<c>@Keys</c>, a JSON array of rowids), unordered: <see cref="SearchAsync"/>
    /// orders them, and with no condition beyond the mailbox and times they come from the index alone.</summary>
    internal static (string Sql, DynamicParameters Parameters) Query(MessageQuery q)
    {
        var p = new
        {
            q.MailboxId, q.FolderId, q.Unread, From = SqlLike.Contains(q.From), To = SqlLike.Contains(q.To), Subject = SqlLike.Contains(q.Subject), q.Since, q.Before,
            ThreadId = string.IsNullOrEmpty(q.ThreadId) ? null : q.ThreadId, AfterAt = q.After?.At, AfterId = q.After?.Id, q.Limit,
        };
        var where = new List<string> { "mailbox_id = @MailboxId" };
        if (p.FolderId is not null) where.Add("folder_id = @FolderId");
        if (p.Unread is not null) where.Add("seen = NOT @Unread");
        if (p.From is not null) where.Add("from_header LIKE @From ESCAPE '\\'");
        if (p.To is not null) where.Add("(to_header LIKE @To ESCAPE '\\' OR cc_header LIKE @To ESCAPE '\\')");
        if (p.Subject is not null) where.Add("subject LIKE @Subject ESCAPE '\\'");
        if (p.Since is not null) where.Add("received_at >= @Since");
        if (p.Before is not null) where.Add("received_at < @Before");
        if (p.ThreadId is not null) where.Add("thread_id = @ThreadId");
        if (p.AfterAt is not null) where.Add("(received_at < @AfterAt OR (received_at = @AfterAt AND id < @AfterId))");
        var parameters = new DynamicParameters(p);
        if (q.Text is not null)
        {
            parameters.Add("Keys", "[]");
            return ($"SELECT rowid AS RowId, received_at AS ReceivedAt, id AS Id FROM messages INDEXED BY messages_search_id " +
                    $"WHERE search_id IN (SELECT value FROM json_each(@Keys)) AND {string.Join(" AND ", where)}", parameters);
        }
        var source = p.FolderId is not null ? "messages INDEXED BY messages_listing" : "messages";
        return ($"SELECT {MessageColumns} FROM {source} WHERE {string.Join(" AND ", where)} ORDER BY received_at DESC, id DESC LIMIT @Limit", parameters);
    }

    /// <summary>Walks the full-text index's matches newest first (its rowids order by the second a message was
    /// received, <see cref="SearchRowIds"/>) in growing batches, keeping the page's best positions, and stops once
    /// every timed match left was received before the page's last message (or before <c>Since</c>): a word that a
    /// million messages hold costs a page of them, not the million. Untimed rows sort below and are read whole.
    /// Then the page's messages, by rowid. One read transaction, so a row the backfill moves meanwhile is met once.</summary>
    private Task<IReadOnlyList<MessageRecord>> SearchAsync(MessageQuery q) =>
        ReadAsync<IReadOnlyList<MessageRecord>>(null, async (c, _) =>
        {
            await using var t = ((SqliteConnection)c).BeginTransaction(deferred: true);
            var (sql, parameters) = Query(q);
            var page = new List<SearchPosition>();
            var below = SearchStart(q);
            for (var batch = Math.Max(2 * q.Limit, 100); ; batch = Math.Min(2 * batch, 5000))
            {
                var keys = (await c.QueryAsync<long>(SearchMatches, new { q.Text, below, batch }, t)).AsList();
                if (keys.Count == 0) break;
                parameters.Add("Keys", JsonSerializer.Serialize(keys));
                page.AddRange(await c.QueryAsync<SearchPosition>(sql, parameters, t));
                page.Sort(NewestFirst);
                if (page.Count > q.Limit) page.RemoveRange(q.Limit, page.Count - q.Limit);
                if (keys.Count < batch) break;
                below = keys[^1];
                var before = SearchRowIds.ReceivedBefore(below);
                if (before is null || ((page.Count < q.Limit || before > page[^1].ReceivedAt) && !(before <= q.Since))) continue;
                // Every timed match left is older than the page: on to the untimed rows, if any message still has
                // one (a seek; asking the full-text index would walk the removed rows it still keeps until merged).
                if (!await c.ExecuteScalarAsync<bool>(AnyUntimed, new { SearchRowIds.Timed }, t)) break;
                below = SearchRowIds.Timed;
            }
            if (page.Count == 0) return [];
            var messages = (await c.QueryAsync<MessageRecord>(PageByRowId, new { rows = JsonSerializer.Serialize(page.Select(m => m.RowId)) }, t)).ToDictionary(m => m.Id);
            return page.Select(m => messages[m.Id]).ToList();
        });

    private sealed record SearchPosition(long RowId, long ReceivedAt, string Id);

    private const string PageByRowId = $"SELECT {MessageColumns} FROM messages WHERE rowid IN (SELECT value FROM json_each(@rows))";

    internal const string AnyUntimed = "SELECT EXISTS (SELECT 1 FROM messages INDEXED BY messages_search_id WHERE search_id < @Timed)";

    internal const string SearchMatches =
        "SELECT rowid FROM message_search WHERE message_search MATCH @Text AND rowid < @below ORDER BY rowid DESC LIMIT @batch";

    /// <summary>The rowid the walk starts below: past the last second a message on the page can have been received in.</summary>
    private static long SearchStart(MessageQuery q)
    {
        var below = long.MaxValue;
        if (q.After is not null) below = SearchRowIds.First(q.After.At) + SearchRowIds.PerSecond;
        if (q.Before is not null) below = Math.Min(below, SearchRowIds.First(q.Before.Value - 1) + SearchRowIds.PerSecond);
        return below;
    }

    private static readonly Comparison<SearchPosition> NewestFirst =
        (a, b) => a.ReceivedAt != b.ReceivedAt ? b.ReceivedAt.CompareTo(a.ReceivedAt) : string.CompareOrdinal(b.Id, a.Id);

    /// <summary>Walks the mailbox from its newest message down (the mailbox's time index), taking each
    /// conversation where it first appears, which is at its last message: the cost is the messages of the
    /// conversations on the page, not the mailbox. A conversation met below the page's start whose last message
    /// is above it was on an earlier page; one seek of the conversation index tells.</summary>
    public Task<IReadOnlyList<ThreadRecord>> ListThreadsAsync(long mailboxId, int limit, PagePosition? after) =>
        ReadAsync<IReadOnlyList<ThreadRecord>>(null, async (c, t) =>
        {
            var found = new List<(string ThreadId, long LastAt)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var (at, id) = (after?.At ?? long.MaxValue, "\uffff");
            while (true)
            {
                var batch = (await c.QueryAsync<(string ThreadId, long ReceivedAt, string Id)>(ThreadWalk, new { mailboxId, at, id, limit = ThreadWalkBatch }, t)).AsList();
                foreach (var (threadId, receivedAt, messageId) in batch)
                {
                    // Everything at or above the limit-th conversation's time is in: ties are ordered as before.
                    if (found.Count >= limit && receivedAt < found[limit - 1].LastAt) return await CountThreadsAsync(c, t, mailboxId, found, limit);
                    (at, id) = (receivedAt, messageId);
                    if (!seen.Add(threadId)) continue;
                    var lastAt = await c.ExecuteScalarAsync<long>(ThreadLastAt, new { mailboxId, threadId }, t);
                    if (after is not null && (lastAt > after.At || (lastAt == after.At && string.CompareOrdinal(threadId, after.Id) >= 0))) continue;
                    found.Add((threadId, lastAt));
                    found.Sort((a, b) => a.LastAt != b.LastAt ? b.LastAt.CompareTo(a.LastAt) : string.CompareOrdinal(b.ThreadId, a.ThreadId));
                }
                if (batch.Count < ThreadWalkBatch) return await CountThreadsAsync(c, t, mailboxId, found, limit);
            }
        });

    private const int ThreadWalkBatch = 200;

    internal const string ThreadWalk =
        "SELECT thread_id, received_at, id FROM messages INDEXED BY messages_mailbox_received WHERE mailbox_id = @mailboxId " +
        "AND (received_at < @at OR (received_at = @at AND id < @id)) ORDER BY received_at DESC, id DESC LIMIT @limit";

    internal const string ThreadLastAt = "SELECT MAX(received_at) FROM messages WHERE mailbox_id = @mailboxId AND thread_id = @threadId";

    internal const string ThreadCounts =
        "SELECT COUNT(*) AS Messages, COALESCE(SUM(1 - seen), 0) AS Unread FROM messages WHERE mailbox_id = @mailboxId AND thread_id = @threadId";

    private static async Task<IReadOnlyList<ThreadRecord>> CountThreadsAsync(DbConnection c, DbTransaction? t, long mailboxId, List<(string ThreadId, long LastAt)> found, int limit)
    {
        var threads = new List<ThreadRecord>();
        foreach (var (threadId, lastAt) in found.Take(limit))
        {
            var (messages, unread) = await c.QuerySingleAsync<(long, long)>(ThreadCounts, new { mailboxId, threadId }, t);
            threads.Add(new ThreadRecord(threadId, messages, unread, lastAt));
        }
        return threads;
    }

    public Task<IReadOnlyList<MessageRecord>> ListThreadMessagesAsync(long mailboxId, IReadOnlyCollection<string> threadIds) =>
        ReadAsync<IReadOnlyList<MessageRecord>>(null, async (c, t) => (await c.QueryAsync<MessageRecord>(
            $"SELECT {MessageColumns} FROM messages WHERE mailbox_id = @mailboxId AND thread_id IN @threadIds ORDER BY received_at, id",
            new { mailboxId, threadIds }, t)).AsList());

    public Task<IReadOnlyList<(string Id, string Blob, long ReceivedAt)>> ListUnindexedAsync(int limit) =>
        ReadAsync<IReadOnlyList<(string, string, long)>>(null, async (c, t) => (await c.QueryAsync<(string, string, long)>(
            "SELECT id, blob, received_at FROM messages m WHERE search_id IS NULL AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.message_id = m.id) LIMIT @limit",
            new { limit }, t)).AsList());

    public Task<IReadOnlyList<(long SearchId, string Blob, long ReceivedAt)>> ListUntimedAsync(long after, long before, int limit) =>
        ReadAsync<IReadOnlyList<(long, string, long)>>(null, async (c, t) => (await c.QueryAsync<(long, string, long)>(
            "SELECT search_id, blob, received_at FROM messages WHERE search_id > @after AND search_id < @before ORDER BY search_id LIMIT @limit",
            new { after, before, limit }, t)).AsList());

    public Task<long> UntimedEndAsync() =>
        ReadAsync(null, (c, t) => c.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(search_id), 0) + 1 FROM messages WHERE search_id < @Timed", new { SearchRowIds.Timed }, t));

    public Task<IReadOnlyDictionary<string, byte[]>> ReadStructuresAsync(IReadOnlyCollection<string> ids) =>
        ReadAsync<IReadOnlyDictionary<string, byte[]>>(null, async (c, t) =>
        {
            var found = new Dictionary<string, byte[]>(ids.Count);
            foreach (var chunk in ids.Chunk(500))
                foreach (var (id, structure) in await c.QueryAsync<(string, byte[])>(
                             "SELECT message_id, structure FROM message_structures WHERE message_id IN @chunk AND length(structure) > 0", new { chunk }, t))
                    found[id] = structure;
            return found;
        });

    // In id order from where the last batch ended, so each batch costs its own rows, not a scan of those done.
    public Task<IReadOnlyList<(string Id, string Blob)>> ListWithoutStructureAsync(string after, int limit) =>
        ReadAsync<IReadOnlyList<(string, string)>>(null, async (c, t) =>
        {
            if (await c.ExecuteScalarAsync<string?>("SELECT value FROM server_state WHERE key = 'message_structures_complete'", transaction: t) is not null)
                return [];
            return (await c.QueryAsync<(string, string)>(
                """
                SELECT m.id, m.blob FROM messages m
                WHERE m.id > @after AND NOT EXISTS (SELECT 1 FROM message_structures s WHERE s.message_id = m.id)
                ORDER BY m.id LIMIT @limit
                """, new { after, limit }, t)).AsList();
        });

    public Task SetStructureAsync(IUnitOfWork tx, string id, byte[] structure) =>
        // A message deleted meanwhile gets none.
        Sql(tx).Connection!.ExecuteAsync(
            "INSERT INTO message_structures (message_id, structure) SELECT @id, @structure WHERE EXISTS (SELECT 1 FROM messages WHERE id = @id) ON CONFLICT DO NOTHING",
            new { id, structure }, Sql(tx));

    public Task MarkStructuresCompleteAsync(IUnitOfWork tx) =>
        Sql(tx).Connection!.ExecuteAsync("INSERT INTO server_state (key, value) VALUES ('message_structures_complete', '1') ON CONFLICT (key) DO NOTHING",
            transaction: Sql(tx));

    public async Task IndexTextAsync(IUnitOfWork tx, string id, IndexedFields fields)
    {
        // A message removed or indexed meanwhile is left as it is.
        var receivedAt = await Sql(tx).Connection!.ExecuteScalarAsync<long?>("SELECT received_at FROM messages WHERE id = @id AND search_id IS NULL", new { id }, Sql(tx));
        if (receivedAt is null) return;
        var rowId = (await NextSearchRowIdsAsync(tx, [receivedAt.Value]))[0];
        await AddSearchTextAsync(tx, rowId, fields);
        await Sql(tx).Connection!.ExecuteAsync("UPDATE messages SET search_id = @rowId, in_reply_to = @InReplyTo WHERE id = @id",
            new { rowId, fields.InReplyTo, id }, Sql(tx));
    }

    public async Task RetimeSearchRowAsync(IUnitOfWork tx, long searchId, long receivedAt, IndexedFields fields)
    {
        if (!await Sql(tx).Connection!.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM messages WHERE search_id = @searchId)", new { searchId }, Sql(tx))) return;
        var timed = (await NextSearchRowIdsAsync(tx, [receivedAt]))[0];
        // Its second has no rowid left: it stays where it is.
        if (SearchRowIds.Untimed(timed)) return;
        await AddSearchTextAsync(tx, timed, fields);
        await Sql(tx).Connection!.ExecuteAsync(
            "UPDATE messages SET search_id = @timed WHERE search_id = @searchId; DELETE FROM message_search WHERE rowid = @searchId;", new { timed, searchId }, Sql(tx));
    }

    public Task<MessageRecord?> FindAsync(string id, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<MessageRecord>($"SELECT {MessageColumns} FROM messages WHERE id = @id", new { id }, t));

    public Task<IReadOnlyList<uint>> ListUidsAsync(long folderId, uint after = 0) =>
        ReadAsync<IReadOnlyList<uint>>(null, async (c, t) =>
        {
            // Read as they come, not through a list of boxed rows: a million UIDs make 4 MB, not 40.
            var uids = new List<uint>();
            await using var reader = await c.ExecuteReaderAsync(ListUids, new { folderId, after }, t);
            while (reader.Read()) uids.Add((uint)reader.GetInt64(0));
            return uids;
        });

    internal const string ListUids = "SELECT uid FROM messages WHERE folder_id = @folderId AND uid > @after ORDER BY uid";

    public Task<IReadOnlyList<MessageEntry>> ListEntriesAsync(long folderId, IReadOnlyCollection<uint> uids) =>
        ReadAsync<IReadOnlyList<MessageEntry>>(null, async (c, t) =>
        {
            var found = new List<MessageEntry>(uids.Count);
            foreach (var chunk in uids.Order().Chunk(500))
            {
                // A dense stretch (FETCH 1:*, the last 50) is one range read; scattered UIDs are looked up each.
                if (chunk[^1] - chunk[0] < 2L * chunk.Length)
                {
                    var wanted = chunk.ToHashSet();
                    found.AddRange((await c.QueryAsync<MessageEntry>(EntriesInRange, new { folderId, first = chunk[0], last = chunk[^1] }, t))
                        .Where(e => wanted.Contains((uint)e.Uid)));
                }
                else found.AddRange(await c.QueryAsync<MessageEntry>(EntriesByUid, new { folderId, chunk }, t));
            }
            return found;
        });

    internal const string EntriesByUid = $"SELECT {EntryColumns} FROM messages WHERE folder_id = @folderId AND uid IN @chunk ORDER BY uid";
    internal const string EntriesInRange = $"SELECT {EntryColumns} FROM messages WHERE folder_id = @folderId AND uid BETWEEN @first AND @last ORDER BY uid";

    public Task<IReadOnlyList<MessageRecord>> ListRecordsAsync(long folderId, IReadOnlyCollection<uint> uids) =>
        ReadAsync<IReadOnlyList<MessageRecord>>(null, async (c, t) =>
        {
            var found = new List<MessageRecord>(uids.Count);
            foreach (var chunk in uids.Chunk(500))
                found.AddRange(await c.QueryAsync<MessageRecord>($"SELECT {MessageColumns} FROM messages WHERE folder_id = @folderId AND uid IN @chunk", new { folderId, chunk }, t));
            return found;
        });

    public Task<IReadOnlyList<string>> ListKeywordsAsync(long folderId) =>
        ReadAsync<IReadOnlyList<string>>(null, async (c, t) => (await c.QueryAsync<string>(
            "SELECT keyword FROM folder_keywords WHERE folder_id = @folderId ORDER BY keyword", new { folderId }, t)).AsList());

    public Task<IReadOnlyList<MessageEntry>> ListChangedSinceAsync(long folderId, long modseq) =>
        ReadAsync<IReadOnlyList<MessageEntry>>(null, async (c, t) => (await c.QueryAsync<MessageEntry>(ChangedSince, new { folderId, modseq }, t)).AsList());

    /// <summary>By the modseq index, the changes sorted after (+uid): ordering by the UID index would walk the folder.</summary>
    internal const string ChangedSince = $"SELECT {EntryColumns} FROM messages WHERE folder_id = @folderId AND modseq > @modseq ORDER BY +uid";

    public Task<IReadOnlyList<MessageEntry>> ListChangedAfterAsync(long folderId, long modseq, long uid, int limit) =>
        ReadAsync<IReadOnlyList<MessageEntry>>(null, async (c, t) => (await c.QueryAsync<MessageEntry>(ChangedAfter, new { folderId, modseq, uid, limit }, t)).AsList());

    /// <summary>In the modseq index's own order, from where the last page ended: a seek per page.</summary>
    internal const string ChangedAfter =
        $"SELECT {EntryColumns} FROM messages INDEXED BY messages_folder_modseq WHERE folder_id = @folderId AND (modseq, uid) > (@modseq, @uid) ORDER BY modseq, uid LIMIT @limit";

    public Task<IReadOnlyList<long>> ListExpungedSinceAsync(long folderId, long modseq) =>
        ReadAsync<IReadOnlyList<long>>(null, async (c, t) => (await c.QueryAsync<long>(ExpungedSince, new { folderId, modseq }, t)).AsList());

    /// <summary>By the modseq index (+uid: with statistics the planner would walk every removal in UID order).</summary>
    internal const string ExpungedSince = "SELECT uid FROM expunged WHERE folder_id = @folderId AND modseq > @modseq ORDER BY +uid";

    public Task<IReadOnlyList<long>> ListUidsWithAsync(long folderId, IndexedFlag flag, int limit = int.MaxValue) =>
        ReadAsync<IReadOnlyList<long>>(null, async (c, t) => (await c.QueryAsync<long>(UidsWith(flag), new { folderId, limit }, t)).AsList());

    /// <summary>Each condition is written as its partial index's, and the index named: with statistics sampled
    /// from a million messages the planner took the folder's UID index instead, to spare the sort, and read the
    /// whole folder for a few thousand matches.</summary>
    internal static string UidsWith(IndexedFlag flag) => flag switch
    {
        IndexedFlag.Unseen => "SELECT uid FROM messages INDEXED BY messages_unseen WHERE folder_id = @folderId AND seen = 0 ORDER BY uid LIMIT @limit",
        IndexedFlag.Flagged => "SELECT uid FROM messages INDEXED BY messages_flagged WHERE folder_id = @folderId AND flagged = 1 ORDER BY uid LIMIT @limit",
        _ => "SELECT uid FROM messages INDEXED BY messages_deleted WHERE folder_id = @folderId AND deleted = 1 ORDER BY uid LIMIT @limit",
    };

    public Task<long> CountWithAsync(long folderId, IndexedFlag flag) =>
        ReadAsync(null, (c, t) => c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM ({UidsWith(flag)})", new { folderId, limit = -1 }, t));

    public Task<long> DeletedSizeAsync(long folderId) =>
        ReadAsync(null, (c, t) => c.ExecuteScalarAsync<long>(DeletedSize, new { folderId }, t));

    internal const string DeletedSize = "SELECT COALESCE(SUM(size), 0) FROM messages INDEXED BY messages_deleted WHERE folder_id = @folderId AND deleted = 1";

    public Task<long> CountFromUidAsync(long folderId, long fromUid) =>
        ReadAsync(null, (c, t) => c.ExecuteScalarAsync<long>(CountFromUid, new { folderId, fromUid }, t));

    internal const string CountFromUid = "SELECT COUNT(*) FROM messages WHERE folder_id = @folderId AND uid >= @fromUid";

    public Task<IReadOnlySet<string>> ImportedKeysAsync(long mailboxId, IReadOnlyCollection<string> keys, IUnitOfWork? tx = null) =>
        ReadAsync<IReadOnlySet<string>>(tx, async (c, t) =>
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in keys.Chunk(500))
                known.UnionWith(await c.QueryAsync<string>("SELECT key FROM import_keys WHERE mailbox_id = @mailboxId AND key IN @chunk", new { mailboxId, chunk }, t));
            return known;
        });

    public Task RecordImportAsync(IUnitOfWork tx, long mailboxId, string key, string messageId) =>
        Sql(tx).Connection!.ExecuteAsync("INSERT INTO import_keys (mailbox_id, key, message_id) VALUES (@mailboxId, @key, @messageId)",
            new { mailboxId, key, messageId }, Sql(tx));

    public async Task<IReadOnlySet<string>> PresentAsync(IUnitOfWork tx, long folderId, IReadOnlyCollection<string> ids)
    {
        var present = new HashSet<string>();
        foreach (var chunk in ids.Chunk(500))
            present.UnionWith(await Sql(tx).Connection!.QueryAsync<string>(
                "SELECT id FROM messages WHERE folder_id = @folderId AND id IN @chunk", new { folderId, chunk }, Sql(tx)));
        return present;
    }

    private const string EntryColumns = "id, uid, flags, size, received_at AS ReceivedAt, blob, modseq AS ModSeq";

    // Read and written in one write transaction, which holds the database's write lock from its start
    // (BEGIN IMMEDIATE), so no other change can come between the read and the write.
    public async Task<FlagUpdate> ChangeFlagsAsync(IUnitOfWork tx, long folderId, IReadOnlyCollection<string> ids, FlagChange change)
    {
        var result = new List<MessageEntry>();
        var changed = new List<MessageEntry>();
        var modified = new List<MessageEntry>();
        long? modseq = null;
        foreach (var chunk in ids.Chunk(500))
        {
            var stored = await Sql(tx).Connection!.QueryAsync<MessageEntry>(
                $"SELECT {EntryColumns} FROM messages WHERE folder_id = @folderId AND id IN @chunk", new { folderId, chunk }, Sql(tx));
            foreach (var entry in stored)
            {
                // Tested on the modseq as stored, inside the write: no other change can come in between.
                if (entry.ModSeq > change.UnchangedSince)
                {
                    modified.Add(entry);
                    continue;
                }
                var flags = change.ApplyTo(entry.Flags);
                if (flags == entry.Flags)
                {
                    result.Add(entry);
                    continue;
                }
                if (modseq is null)
                {
                    var (next, mailboxId) = await Sql(tx).Connection!.QuerySingleAsync<(long, long)>(
                        "UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = @folderId RETURNING highest_modseq, mailbox_id", new { folderId }, Sql(tx));
                    modseq = next;
                    Changed(tx, mailboxId);
                }
                await Sql(tx).Connection!.ExecuteAsync("UPDATE messages SET flags = @flags, modseq = @modseq WHERE id = @Id",
                    new { flags, modseq, entry.Id }, Sql(tx));
                var updated = entry with { Flags = flags, ModSeq = modseq.Value };
                result.Add(updated);
                changed.Add(updated);
            }
        }
        result.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        modified.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        return new FlagUpdate(result, changed, modified);
    }

    public async Task<IReadOnlyList<MessageEntry>> ListDeletedAsync(IUnitOfWork tx, long folderId) =>
        (await Sql(tx).Connection!.QueryAsync<MessageEntry>(ListDeleted, new { folderId }, Sql(tx))).AsList();

    /// <summary>The index named, as for <see cref="UidsWith"/>.</summary>
    internal const string ListDeleted = $"SELECT {EntryColumns} FROM messages INDEXED BY messages_deleted WHERE folder_id = @folderId AND deleted = 1 ORDER BY uid";

    public async Task<long> ClaimRecentAsync(IUnitOfWork tx, long folderId, long upTo)
    {
        var first = await Sql(tx).Connection!.ExecuteScalarAsync<long>("SELECT first_recent_uid FROM folders WHERE id = @folderId", new { folderId }, Sql(tx));
        await Sql(tx).Connection!.ExecuteAsync("UPDATE folders SET first_recent_uid = MAX(first_recent_uid, @upTo) WHERE id = @folderId", new { folderId, upTo }, Sql(tx));
        return first;
    }

    public async Task DeleteAsync(IUnitOfWork tx, long folderId, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0) return;
        foreach (var mailboxId in await Sql(tx).Connection!.QueryAsync<long>(
            "UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = @folderId RETURNING mailbox_id", new { folderId }, Sql(tx)))
            Changed(tx, mailboxId);
        foreach (var chunk in ids.Chunk(500))
            await ForgetSearchRowsAsync(tx, await Sql(tx).Connection!.QueryAsync<long?>(
                "DELETE FROM messages WHERE folder_id = @folderId AND id IN @chunk RETURNING search_id", new { folderId, chunk }, Sql(tx)));
    }

    /// <summary>Removes the full-text rows of removed messages that no message (a copy) names any more.</summary>
    private static async Task ForgetSearchRowsAsync(IUnitOfWork tx, IEnumerable<long?> searchIds)
    {
        foreach (var chunk in searchIds.OfType<long>().Distinct().Chunk(500))
        {
            var kept = (await Sql(tx).Connection!.QueryAsync<long>("SELECT search_id FROM messages WHERE search_id IN @chunk", new { chunk }, Sql(tx))).ToHashSet();
            var orphans = chunk.Where(id => !kept.Contains(id)).ToList();
            if (orphans.Count > 0)
                await Sql(tx).Connection!.ExecuteAsync("DELETE FROM message_search WHERE rowid IN @orphans", new { orphans }, Sql(tx));
        }
    }

    public async Task DeleteFolderAsync(IUnitOfWork tx, long folderId)
    {
        await ForgetSearchRowsAsync(tx, await Sql(tx).Connection!.QueryAsync<long?>("DELETE FROM messages WHERE folder_id = @folderId RETURNING search_id", new { folderId }, Sql(tx)));
        foreach (var mailboxId in await Sql(tx).Connection!.QueryAsync<long>("DELETE FROM folders WHERE id = @folderId RETURNING mailbox_id", new { folderId }, Sql(tx)))
            Changed(tx, mailboxId);
    }

    public async Task RenameFolderAsync(IUnitOfWork tx, long folderId, string newName, long uidValidity)
    {
        // A renamed folder stays subscribed under its new name, as clients expect.
        await Sql(tx).Connection!.ExecuteAsync(
            """
            UPDATE subscriptions SET name = @newName
            WHERE (mailbox_id, name) = (SELECT mailbox_id, name FROM folders WHERE id = @folderId)
              AND NOT EXISTS (SELECT 1 FROM subscriptions s, folders f WHERE f.id = @folderId AND s.mailbox_id = f.mailbox_id AND s.name = @newName)
            """, new { folderId, newName }, Sql(tx));
        foreach (var mailboxId in await Sql(tx).Connection!.QueryAsync<long>(
            "UPDATE folders SET name = @newName, uid_validity = @uidValidity WHERE id = @folderId RETURNING mailbox_id", new { folderId, newName, uidValidity }, Sql(tx)))
            Changed(tx, mailboxId);
    }

    public Task SetSubscribedAsync(IUnitOfWork tx, long mailboxId, string name, bool subscribed) =>
        Sql(tx).Connection!.ExecuteAsync(subscribed
            ? "INSERT INTO subscriptions (mailbox_id, name) VALUES (@mailboxId, @name) ON CONFLICT DO NOTHING"
            : "DELETE FROM subscriptions WHERE mailbox_id = @mailboxId AND name = @name", new { mailboxId, name }, Sql(tx));

    public Task<IReadOnlySet<string>> ListSubscriptionsAsync(long mailboxId) =>
        ReadAsync<IReadOnlySet<string>>(null, async (c, t) => (await c.QueryAsync<string>(
            "SELECT name FROM subscriptions WHERE mailbox_id = @mailboxId", new { mailboxId }, t)).ToHashSet(StringComparer.Ordinal));
}
