using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Changes to messages made through the API: flags and labels (IMAP keywords), moving between
/// folders, deleting to Trash, each as one write of <see cref="MessageChanges"/>, so a mail client sees it as
/// if another client had made it.</summary>
public sealed class MailboxOrganizer(IStore store, IMessageRepository messages, MessageChanges changes)
{
    public const int MaxLabelLength = 64;

    public sealed record Change(bool? Seen, bool? Flagged, IReadOnlyList<string> AddLabels, IReadOnlyList<string> RemoveLabels, string? Folder);

    public async Task<MessageRecord> UpdateAsync(MailboxRecord mailbox, string id, Change change)
    {
        foreach (var label in change.AddLabels.Concat(change.RemoveLabels)) ValidateLabel(label);
        var updated = await store.WriteAsync(async tx =>
        {
            var current = await FindAsync(mailbox, id, tx);
            var flags = ToFlagChange(change);
            if (flags.Add.Count + flags.Remove.Count > 0)
            {
                var stored = (await changes.ChangeFlagsAsync(tx, current.FolderId, [current.Id], flags)).Entries;
                current = current with { Flags = stored[0].Flags };
            }
            if (change.Folder is not null)
            {
                var name = SpecialFolders.Normalize(change.Folder);
                var destination = await messages.FindFolderAsync(mailbox.Id, name, tx)
                                  ?? throw new MailServerException(ErrorKind.NotFound, $"{mailbox.Address} has no folder '{EmailAddress.Shorten(name)}'; create it first (IMAP CREATE).");
                if (destination.Id != current.FolderId) current = await changes.MoveAsync(tx, current, destination);
            }
            return current;
        });
        return updated;
    }

    /// <summary>Moves a message to Trash, or deletes it for good when it is already there.</summary>
    /// <returns>The folder it is now in, or null when it was deleted.</returns>
    public async Task<string?> DeleteAsync(MailboxRecord mailbox, string id)
    {
        var folder = await store.WriteAsync(async tx =>
        {
            var current = await FindAsync(mailbox, id, tx);
            var trash = await messages.FindFolderAsync(mailbox.Id, SpecialFolders.Trash, tx);
            if (trash is null || trash.Id == current.FolderId)
            {
                await changes.DeleteAsync(tx, current.FolderId, [current.Id]);
                return null;
            }
            await changes.MoveAsync(tx, current, trash);
            return trash.Name;
        });
        return folder;
    }

    /// <summary>Sets \Answered on a message that was just replied to, as mail clients do.</summary>
    public Task MarkAnsweredAsync(MailboxRecord mailbox, string id) =>
        UpdateAsync(mailbox, id, new Change(null, null, [MessageFlags.Answered], [], null));

    private async Task<MessageRecord> FindAsync(MailboxRecord mailbox, string id, IUnitOfWork tx)
    {
        var record = await messages.FindAsync(id, tx);
        if (record is null || record.MailboxId != mailbox.Id)
            throw new MailServerException(ErrorKind.NotFound, $"No message '{EmailAddress.Shorten(id)}' in {mailbox.Address}.");
        return record;
    }

    /// <summary>The request as a change (what to add, what to remove), applied to the flags as stored when it
    /// is written, the same operation IMAP STORE uses.</summary>
    private static FlagChange ToFlagChange(Change change)
    {
        var add = new List<string>(change.AddLabels);
        var remove = new List<string>(change.RemoveLabels);
        foreach (var (flag, on) in new[] { (MessageFlags.Seen, change.Seen), (MessageFlags.Flagged, change.Flagged) })
        {
            if (on is true) add.Add(flag);
            else if (on is false) remove.Add(flag);
        }
        return new FlagChange(add, remove);
    }

    /// <summary>A label is an IMAP keyword (an atom), so that mail clients can show and change it too.</summary>
    internal static void ValidateLabel(string label)
    {
        if (label == MessageFlags.Answered) return;
        if (label.Length is 0 or > MaxLabelLength || label.Any(c => c <= ' ' || c >= 0x7f || c is '(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'))
            throw new MailServerException(ErrorKind.InvalidArgument,
                $"label '{EmailAddress.Shorten(label)}' is not usable: 1 to {MaxLabelLength} printable ASCII characters without spaces or ( ) {{ % * \" \\ ].");
    }
}
