using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>SELECT (read-write) and EXAMINE (read-only): the session's view of the folder, and the counts,
/// flags, UIDs and HIGHESTMODSEQ a client needs to start; with QRESYNC, also what it missed since it last knew
/// the folder (<see cref="QuickResync"/>).</summary>
public sealed class SelectHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["SELECT", "EXAMINE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var (name, condStore, qresync) = CommandParser.Select(c.Arguments);
        if (qresync is not null && !session.QResync) throw new ImapParseException("The QRESYNC parameter needs ENABLE QRESYNC first");
        var readOnly = c.Name == "EXAMINE";
        if (session.Selected is not null) r.Untagged("OK [CLOSED] Previous folder closed");
        session.Unselect();
        if (condStore) session.EnableCondStore(r);
        var folder = await Folders.ExistingAsync(session, c, r, name);
        if (folder is null) return;
        // The UIDs from the view other sessions share, brought up to date by the changes since; the counts, the
        // keywords and the first unseen from what the store keeps: nothing here reads the folder's messages.
        var (uids, modseq) = await session.Services.Views.OpenAsync(folder);
        var selected = new SelectedFolder(folder with { HighestModSeq = modseq }, uids, readOnly);
        if (uids.Count > 0) await FolderUpdates.TakeRecentAsync(session, selected, uids[0], uids.Last, folder.FirstRecentUid);
        foreach (var keyword in await session.Services.Messages.ListKeywordsAsync(folder.Id)) selected.Keywords.Add(keyword);
        session.Select(selected);
        FolderUpdates.WriteFlagLists(r, selected);
        r.Untagged($"{selected.Count} EXISTS");
        // IMAP4rev2 has neither RECENT nor UNSEEN here, and names the folder in a LIST response (RFC 9051 §6.3.2).
        if (session.Rev2)
        {
            var attributes = ListHandler.Attributes(folder, (await session.Services.Messages.ListFoldersAsync(session.User!.Id)).Select(f => f.Name));
            r.Raw("* LIST (").Raw(string.Join(' ', attributes)).Raw(") \"/\" ").String(session.FolderOnWire(folder.Name)).Line();
        }
        else
        {
            r.Untagged($"{selected.RecentCount} RECENT");
            // The first unseen from the index of unseen messages, placed in the view by its UID (one removed since
            // the view was read is passed over).
            foreach (var uid in await session.Services.Messages.ListUidsWithAsync(folder.Id, IndexedFlag.Unseen, limit: 10))
            {
                if (selected.SequenceOf(uid) is not (> 0 and var sequence)) continue;
                r.Untagged($"OK [UNSEEN {sequence}] First unseen");
                break;
            }
        }
        // The view may hold arrivals after the folder was read: UIDNEXT stays above them.
        r.Untagged($"OK [UIDVALIDITY {folder.UidValidity}] UIDs valid").Untagged($"OK [UIDNEXT {Math.Max(folder.UidNext, uids.Last + 1L)}] Predicted next UID");
        // Kept for every folder, whether or not the client turned CONDSTORE on (RFC 7162 §3.1.2.1).
        r.Untagged($"OK [HIGHESTMODSEQ {selected.Folder.HighestModSeq}] Highest");
        if (qresync is not null) await QuickResync.WriteAsync(session, selected, qresync, r, ct);
        r.Tagged(c.Tag, "OK", readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
    }
}
