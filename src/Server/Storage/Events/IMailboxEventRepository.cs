using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Storage;

/// <summary>The durable event log of every mailbox. Events are recorded inside the transaction of the change
/// they describe, so an event exists exactly when its change does; SQLite's single writer makes ids grow in
/// commit order, so reading "after cursor N" never skips a later commit.</summary>
public interface IMailboxEventRepository
{
    Task RecordAsync(IUnitOfWork tx, long mailboxId, string eventType, string messageId, long? outboundId, object details, long now);
    /// <summary>Records one event for the mailbox owning <paramref name="folderId"/>.</summary>
    Task RecordForFolderAsync(IUnitOfWork tx, long folderId, string eventType, string messageId, object details, long now);
    /// <summary>Events after <paramref name="afterId"/>, oldest first; all types when <paramref name="types"/> is empty.</summary>
    Task<IReadOnlyList<MailboxEventRecord>> ListAfterAsync(long mailboxId, long afterId, IReadOnlyCollection<string> types, int limit);
    Task<long> LatestIdAsync(long mailboxId);
    /// <summary>The newest <paramref name="count"/> events of a mailbox, oldest first.</summary>
    Task<IReadOnlyList<MailboxEventRecord>> ListLatestAsync(long mailboxId, int count);
}
