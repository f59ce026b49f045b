using OpenMailserver.Server.Events;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>The one way stored messages and folders change: IMAP, the API, MCP and the dashboard all come here.
/// Each change is applied in the database to the state as stored now (never to a session's copy), records its
/// events in the same unit of work, and is announced by the store after it commits. Methods that take an
/// <see cref="IUnitOfWork"/> join the caller's write; the others make a write of their own.</summary>
public sealed class MessageChanges(IStore store, IMessageRepository messages, IMailboxRepository mailboxes, IMailboxEventRepository events, TimeProvider time)
{
    /// <summary>The separator of folder levels ("Projects/2026").</summary>
    public const char Delimiter = '/';

    public Task<FlagUpdate> ChangeFlagsAsync(long folderId, IReadOnlyCollection<string> ids, FlagChange change) =>
        store.WriteAsync(tx => ChangeFlagsAsync(tx, folderId, ids, change));

    /// <summary>Applies <paramref name="change"/> to the flags of these messages as stored now, recording a
    /// flags-changed event for each message whose flags it changed.</summary>
    public async Task<FlagUpdate> ChangeFlagsAsync(IUnitOfWork tx, long folderId, IReadOnlyCollection<string> ids, FlagChange change)
    {
        var update = await messages.ChangeFlagsAsync(tx, folderId, ids, change);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in update.Changed)
            await events.RecordForFolderAsync(tx, folderId, MailboxEventType.FlagsChanged, entry.Id, new { flags = MessageFlags.List(entry.Flags) }, now);
        return update;
    }

    /// <summary>Removes those of the folder's messages that are \Deleted as stored now which
    /// <paramref name="choose"/> picks from them (in UID order): a message another client undeleted stays.</summary>
    /// <returns>The ids removed.</returns>
    public Task<IReadOnlyList<string>> ExpungeAsync(long folderId, Func<IReadOnlyList<MessageEntry>, IEnumerable<string>> choose) =>
        store.WriteAsync<IReadOnlyList<string>>(async tx =>
        {
            var ids = choose(await messages.ListDeletedAsync(tx, folderId)).ToList();
            await messages.DeleteAsync(tx, folderId, ids);
            return ids;
        });

    /// <summary>Copies messages (those still in <paramref name="fromFolderId"/>, in the order given) into a folder
    /// of the same mailbox with new UIDs and the flags as stored now, and with <paramref name="move"/> removes
    /// the originals in the same write, so a message is never lost nor left in both places. A copy counts
    /// against the quotas (messages and bytes), counted inside the write; a move does not.</summary>
    public Task<CopyResult> CopyAsync(long mailboxId, long fromFolderId, IReadOnlyList<string> ids, string destinationName, bool move) =>
        store.WriteAsync(async tx =>
        {
            var destination = await messages.FindFolderAsync(mailboxId, destinationName, tx);
            if (destination is null) return CopyResult.Refused(StoreRefusal.NoFolder);
            var present = await messages.PresentAsync(tx, fromFolderId, ids);
            var sources = new List<MessageRecord>();
            foreach (var id in ids.Where(present.Contains))
                if (await messages.FindAsync(id, tx) is { } source) sources.Add(source);
            if (!move && await mailboxes.FindByIdAsync(mailboxId, tx) is { } mailbox
                && await messages.WouldExceedAsync(mailbox, sources.Count, sources.Sum(m => m.Size), tx))
                return CopyResult.Refused(StoreRefusal.OverQuota);
            var copies = new List<(MessageRecord, MessageRecord)>();
            foreach (var source in sources)
            {
                var copy = await messages.CopyAsync(tx, source, destination, source.Flags);
                copies.Add((source, copy));
            }
            if (move) await messages.DeleteAsync(tx, fromFolderId, sources.Select(m => m.Id).ToList());
            return new CopyResult(copies, destination, StoreRefusal.None);
        });

    /// <summary>Moves one message to another folder of its mailbox, keeping its id (the API's move).</summary>
    public Task<MessageRecord> MoveAsync(IUnitOfWork tx, MessageRecord message, FolderRecord destination) =>
        messages.MoveAsync(tx, message, destination);

    /// <summary>Deletes these messages of a folder for good.</summary>
    public Task DeleteAsync(IUnitOfWork tx, long folderId, IReadOnlyList<string> ids) => messages.DeleteAsync(tx, folderId, ids);

    /// <summary>Creates a folder and the levels above it that are missing, so the hierarchy has no holes
    /// (RFC 3501 §6.3.3); refused if the folder exists already, as read inside the write.</summary>
    public Task<StoreRefusal> CreateFolderAsync(long mailboxId, string name) =>
        store.WriteAsync(async tx =>
        {
            if (await messages.FindFolderAsync(mailboxId, name, tx) is not null) return StoreRefusal.FolderExists;
            await CreateLevelsAsync(tx, mailboxId, name, includeLast: true);
            return StoreRefusal.None;
        });

    /// <summary>Creates a standard folder of a new mailbox, subscribed.</summary>
    public async Task CreateDefaultFolderAsync(IUnitOfWork tx, long mailboxId, string name, string? specialUse)
    {
        await messages.CreateFolderAsync(tx, mailboxId, name, specialUse, UidValidity.New(time));
        await messages.SetSubscribedAsync(tx, mailboxId, name, subscribed: true);
    }

    /// <summary>Deletes a folder and its messages; refused while it has subfolders, as read inside the write.</summary>
    public Task<StoreRefusal> DeleteFolderAsync(long mailboxId, FolderRecord folder) =>
        store.WriteAsync(async tx =>
        {
            var folders = await messages.ListFoldersAsync(mailboxId, tx);
            if (folders.All(f => f.Id != folder.Id)) return StoreRefusal.NoFolder;
            if (folders.Any(f => f.Name.StartsWith(folder.Name + Delimiter, StringComparison.Ordinal))) return StoreRefusal.HasChildren;
            await messages.DeleteFolderAsync(tx, folder.Id);
            return StoreRefusal.None;
        });

    /// <summary>Renames a folder and its subfolders, creating the levels above the new name that are missing;
    /// the folders are read inside the write, so a folder created meanwhile moves too.</summary>
    public Task<StoreRefusal> RenameFolderAsync(long mailboxId, string from, string to) =>
        store.WriteAsync(async tx =>
        {
            var folders = await messages.ListFoldersAsync(mailboxId, tx);
            if (folders.All(f => f.Name != from)) return StoreRefusal.NoFolder;
            if (folders.Any(f => f.Name == to)) return StoreRefusal.FolderExists;
            foreach (var f in folders.Where(f => f.Name == from || f.Name.StartsWith(from + Delimiter, StringComparison.Ordinal)))
                await messages.RenameFolderAsync(tx, f.Id, to + f.Name[from.Length..], f.UidValidity);
            await CreateLevelsAsync(tx, mailboxId, to, includeLast: false);
            return StoreRefusal.None;
        });

    public Task SetSubscribedAsync(long mailboxId, string name, bool subscribed) =>
        store.WriteAsync(tx => messages.SetSubscribedAsync(tx, mailboxId, name, subscribed));

    /// <summary>Takes the \Recent messages of a folder up to <paramref name="upTo"/> for one session, so no
    /// other session sees them as recent.</summary>
    /// <returns>The first UID that was still recent before this claim.</returns>
    public Task<long> ClaimRecentAsync(long folderId, long upTo) => store.WriteAsync(tx => messages.ClaimRecentAsync(tx, folderId, upTo));

    private async Task CreateLevelsAsync(IUnitOfWork tx, long mailboxId, string name, bool includeLast)
    {
        var parts = name.Split(Delimiter);
        for (var i = 1; i <= parts.Length - (includeLast ? 0 : 1); i++)
        {
            var level = string.Join(Delimiter, parts[..i]);
            if (await messages.FindFolderAsync(mailboxId, level, tx) is null)
                await messages.CreateFolderAsync(tx, mailboxId, level, null, UidValidity.New(time));
        }
    }
}
