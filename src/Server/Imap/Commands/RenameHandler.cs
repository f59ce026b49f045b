using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>RENAME, subfolders with it; INBOX neither moves nor is replaced.</summary>
public sealed class RenameHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["RENAME"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var (from, to) = CommandParser.Rename(c.Arguments);
        var folder = await Folders.ExistingAsync(session, c, r, from);
        if (folder is null) return;
        if (from == SpecialFolders.Inbox || to == SpecialFolders.Inbox)
        {
            r.Tagged(c.Tag, "NO", "[CANNOT] INBOX cannot be renamed, nor can a folder take its name");
            return;
        }
        if (to.StartsWith(from + MessageChanges.Delimiter, StringComparison.Ordinal))
        {
            r.Tagged(c.Tag, "NO", "[CANNOT] A folder cannot be moved inside itself");
            return;
        }
        switch (await session.Services.Changes.RenameFolderAsync(session.User!.Id, from, to))
        {
            case StoreRefusal.FolderExists:
                r.Tagged(c.Tag, "NO", $"[ALREADYEXISTS] {to.Shorten()} already exists");
                return;
            case StoreRefusal.NoFolder:
                r.Tagged(c.Tag, "NO", Folders.NonExistent(from));
                return;
        }
        r.Tagged(c.Tag, "OK", "RENAME completed");
    }
}
