using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>DELETE: INBOX and the special folders stay; a folder with subfolders is deleted only once they are.</summary>
public sealed class DeleteHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["DELETE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var name = CommandParser.Folder(c.Arguments);
        var folder = await Folders.ExistingAsync(session, c, r, name);
        if (folder is null) return;
        if (name == SpecialFolders.Inbox || folder.SpecialUse is not null)
        {
            r.Tagged(c.Tag, "NO", $"[CANNOT] {name} is a special folder and cannot be deleted");
            return;
        }
        switch (await session.Services.Changes.DeleteFolderAsync(session.User!.Id, folder))
        {
            case StoreRefusal.HasChildren:
                r.Tagged(c.Tag, "NO", $"[HASCHILDREN] {name.Shorten()} has subfolders; delete them first");
                return;
            case StoreRefusal.NoFolder:
                r.Tagged(c.Tag, "NO", Folders.NonExistent(name));
                return;
        }
        if (session.Selected?.Folder.Id == folder.Id) session.Unselect();
        r.Tagged(c.Tag, "OK", "DELETE completed");
    }
}
