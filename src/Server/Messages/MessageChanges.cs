using OpenMailserver.Server.Events;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>The one way a stored message changes: IMAP, the API, MCP and the dashboard all come here. Each
/// change is a delta applied in the database to the state as stored now (never to a session's copy), records
/// its events in the same unit of work, and is announced by the store after it commits.</summary>
public sealed class MessageChanges(IStore store, IMessageRepository messages, IMailboxEventRepository events, TimeProvider time)
{
    /// <summary>Applies <paramref name="change"/> to these messages of a folder in a write of its own.</summary>
    public Task<IReadOnlyList<MessageEntry>> ChangeFlagsAsync(long folderId, IReadOnlyCollection<string> ids, FlagChange change) =>
        store.WriteAsync(tx => ChangeFlagsAsync(tx, folderId, ids, change));

    /// <summary>Applies <paramref name="change"/> inside <paramref name="tx"/>, recording a flags-changed event
    /// for each message whose flags it changed.</summary>
    /// <returns>The messages still in the folder, as stored after the change, in UID order.</returns>
    public async Task<IReadOnlyList<MessageEntry>> ChangeFlagsAsync(IUnitOfWork tx, long folderId, IReadOnlyCollection<string> ids, FlagChange change)
    {
        var update = await messages.ChangeFlagsAsync(tx, folderId, ids, change);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in update.Changed)
            await events.RecordForFolderAsync(tx, folderId, MailboxEventType.FlagsChanged, entry.Id, new { flags = MessageFlags.List(entry.Flags) }, now);
        return update.Entries;
    }
}
