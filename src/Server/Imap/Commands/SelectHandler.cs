using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>SELECT (read-write) and EXAMINE (read-only): the session's view of the folder, and the counts,
/// flags and UIDs a client needs to start.</summary>
public sealed class SelectHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["SELECT", "EXAMINE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var name = CommandParser.Folder(c.Arguments);
        var readOnly = c.Name == "EXAMINE";
        if (session.Selected is not null) r.Untagged("OK [CLOSED] Previous folder closed");
        session.Unselect();
        var folder = await Folders.ExistingAsync(session, c, r, name);
        if (folder is null) return;
        var entries = (await session.Services.Messages.ListEntriesAsync(folder.Id)).ToList();
        var selected = new SelectedFolder(folder, entries, readOnly);
        await FolderUpdates.TakeRecentAsync(session, selected, entries, folder.FirstRecentUid);
        selected.NewKeywords(entries);
        session.Select(selected);
        FolderUpdates.WriteFlagLists(r, selected);
        r.Untagged($"{entries.Count} EXISTS").Untagged($"{selected.RecentCount} RECENT");
        // The first unseen from the index of unseen messages, placed in the view by its UID.
        var unseen = await session.Services.Messages.ListUidsWithAsync(folder.Id, IndexedFlag.Unseen, limit: 1);
        var firstUnseen = unseen.Count == 0 ? -1 : selected.IndexOfUid(unseen[0]);
        if (unseen.Count > 0 && firstUnseen < 0) firstUnseen = entries.FindIndex(e => !e.FlagSet.Contains(MessageFlags.Seen));
        if (firstUnseen >= 0) r.Untagged($"OK [UNSEEN {firstUnseen + 1}] First unseen");
        r.Untagged($"OK [UIDVALIDITY {folder.UidValidity}] UIDs valid").Untagged($"OK [UIDNEXT {folder.UidNext}] Predicted next UID");
        r.Tagged(c.Tag, "OK", readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
    }
}
