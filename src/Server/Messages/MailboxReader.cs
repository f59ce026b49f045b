using MimeKit;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Reads a mailbox through the index and the blob store: listings, search and threads come from
/// the index alone; opening one message parses its MIME.</summary>
public sealed class MailboxReader(IMessageRepository messages, BlobStore blobs, MimeLimits limits, SearchIndexer indexer)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int DefaultThreadLimit = 20;
    public const int MaxThreadLimit = 100;

    /// <summary>Every folder, for listings spanning more than one.</summary>
    public const string AllFolders = "*";

    /// <summary>One page of a listing or search; <paramref name="query"/> carries the filters, the folder
    /// (a name, INBOX when empty, <see cref="AllFolders"/>) is resolved here.</summary>
    public async Task<(IReadOnlyList<MessageRecord> Page, PagePosition? Next)> ListAsync(MailboxRecord mailbox, string? folder, int limit, MessageQuery query,
        CancellationToken cancellationToken = default)
    {
        var size = PageSize(limit, DefaultLimit, MaxLimit);
        long? folderId = null;
        if (folder?.Trim() != AllFolders)
        {
            var name = SpecialFolders.Normalize(folder);
            folderId = (await messages.FindFolderAsync(mailbox.Id, name)
                        ?? throw new MailServerException(ErrorKind.NotFound, $"{mailbox.Address} has no folder '{EmailAddress.Shorten(name)}'.")).Id;
        }
        if (query.Text is not null) await indexer.CatchUpAsync(mailbox.Id, cancellationToken);
        var found = await messages.QueryAsync(query with { MailboxId = mailbox.Id, FolderId = folderId, Limit = size + 1 });
        if (found.Count <= size) return (found, null);
        var page = found.Take(size).ToList();
        return (page, new PagePosition(page[^1].ReceivedAt, page[^1].Id));
    }

    /// <summary>Conversations with their messages (oldest first), the most recently active first.</summary>
    public async Task<(IReadOnlyList<(ThreadRecord Thread, IReadOnlyList<MessageRecord> Messages)> Page, PagePosition? Next)> ListThreadsAsync(
        MailboxRecord mailbox, int limit, PagePosition? after)
    {
        var size = PageSize(limit, DefaultThreadLimit, MaxThreadLimit);
        var threads = await messages.ListThreadsAsync(mailbox.Id, size + 1, after);
        var page = threads.Take(size).ToList();
        var members = (await messages.ListThreadMessagesAsync(mailbox.Id, page.Select(t => t.ThreadId).ToList())).ToLookup(m => m.ThreadId);
        var result = page.Select(t => (t, (IReadOnlyList<MessageRecord>)members[t.ThreadId].ToList())).ToList();
        return (result, threads.Count > size ? new PagePosition(page[^1].LastAt, page[^1].ThreadId) : null);
    }

    public async Task<(ThreadRecord Thread, IReadOnlyList<MessageRecord> Messages)> GetThreadAsync(MailboxRecord mailbox, string? threadId)
    {
        var members = string.IsNullOrWhiteSpace(threadId) || threadId.Length > 64 ? [] : await messages.ListThreadMessagesAsync(mailbox.Id, [threadId]);
        if (members.Count == 0) throw new MailServerException(ErrorKind.NotFound, $"No thread '{EmailAddress.Shorten(threadId)}' in {mailbox.Address}.");
        var unread = members.Count(m => !MessageFlags.Parse(m.Flags).Contains(MessageFlags.Seen));
        return (new ThreadRecord(threadId!, members.Count, unread, members.Max(m => m.ReceivedAt)), members);
    }

    /// <summary>Every folder with its message and unread counts, INBOX first, then by name.</summary>
    public async Task<IReadOnlyList<(FolderRecord Folder, long Messages, long Unseen)>> FoldersAsync(MailboxRecord mailbox)
    {
        return [.. (await messages.ListFoldersAsync(mailbox.Id))
            .OrderBy(f => f.Name == SpecialFolders.Inbox ? 0 : 1).ThenBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .Select(f => (f, f.MessageCount, f.UnseenCount))];
    }

    /// <summary>Folder names by id, to show where listed messages are.</summary>
    public async Task<IReadOnlyDictionary<long, string>> FolderNamesAsync(MailboxRecord mailbox) =>
        (await messages.ListFoldersAsync(mailbox.Id)).ToDictionary(f => f.Id, f => f.Name);

    /// <summary>The index entry; not found unless it belongs to <paramref name="mailbox"/>.</summary>
    public async Task<MessageRecord> FindAsync(MailboxRecord mailbox, string? id)
    {
        var record = string.IsNullOrWhiteSpace(id) || id.Length > 64 ? null : await messages.FindAsync(id);
        if (record is null || record.MailboxId != mailbox.Id)
            throw new MailServerException(ErrorKind.NotFound, $"No message '{EmailAddress.Shorten(id)}' in {mailbox.Address}.");
        return record;
    }

    /// <summary>The message and its MIME parsed no further than <see cref="MimeLimits"/> (Truncated says
    /// whether something was left out); not found unless it belongs to <paramref name="mailbox"/>.</summary>
    public async Task<(MessageRecord Record, MimeMessage Mime, bool Truncated)> GetAsync(MailboxRecord mailbox, string? id)
    {
        var record = await FindAsync(mailbox, id);
        await using var stream = blobs.OpenRead(record.Blob);
        var (mime, truncated) = BoundedMime.Load(stream, limits);
        return (record, mime, truncated);
    }

    /// <summary>The exact stored bytes of a message.</summary>
    public async Task<byte[]> ReadRawAsync(MailboxRecord mailbox, string? id, CancellationToken cancellationToken) =>
        await blobs.ReadAsync((await FindAsync(mailbox, id)).Blob, cancellationToken);

    private static int PageSize(int limit, int defaultLimit, int maxLimit)
    {
        if (limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        return Math.Min(limit == 0 ? defaultLimit : limit, maxLimit);
    }
}
