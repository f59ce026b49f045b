using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>COPY and MOVE (and their UID forms) with UIDPLUS's COPYUID: the copies get new UIDs in the target
/// in one transaction (MOVE also removes the originals in it), so a message is never lost nor left in both
/// places by a crash.</summary>
public sealed class CopyHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["COPY", "UID COPY", "MOVE", "UID MOVE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var (set, name) = CommandParser.Copy(c.Arguments);
        var byUid = c.Name.StartsWith("UID ", StringComparison.Ordinal);
        var move = c.Name.EndsWith("MOVE", StringComparison.Ordinal);
        var selected = session.Selected!;
        if (move && selected.ReadOnly)
        {
            r.Tagged(c.Tag, "NO", Folders.ReadOnly);
            return;
        }
        var target = await Folders.FindAsync(session, name);
        if (target is null)
        {
            r.Tagged(c.Tag, "NO", Folders.TryCreate(name));
            return;
        }
        var named = selected.Resolve(set, byUid, session.LastSearch).Where(t => !selected.Vanished.Contains(t.Uid)).Select(t => t.Uid).ToList();
        var sources = await session.Services.Messages.ListEntriesAsync(selected.Folder.Id, named);
        if (!move && await Folders.WouldExceedQuotaAsync(session, sources.Count, sources.Sum(m => m.Size)))
        {
            r.Tagged(c.Tag, "NO", await Folders.OverQuotaAsync(session));
            return;
        }
        if (sources.Count == 0)
        {
            await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
            r.Tagged(c.Tag, "OK", $"{c.Name} completed (no messages)");
            return;
        }

        // The quota is counted again in the write: the check above may have raced another door's delivery.
        var result = await session.Services.Changes.CopyAsync(session.User!.Id, selected.Folder.Id, sources.Select(s => s.Id).ToList(), target.Name, move);
        if (result.Refusal != StoreRefusal.None)
        {
            r.Tagged(c.Tag, "NO", result.Refusal == StoreRefusal.OverQuota ? await Folders.OverQuotaAsync(session) : Folders.TryCreate(name));
            return;
        }
        var copies = result.Copies;
        var copyUid = copies.Count == 0 ? "" : $"[COPYUID {result.Destination!.UidValidity} {SequenceSet.Format(copies.Select(x => (uint)x.Source.Uid))} {SequenceSet.Format(copies.Select(x => (uint)x.Copy.Uid))}] ";
        if (move)
        {
            // The originals' removal is learnt from the store like any other, and reported as EXPUNGE now.
            if (copyUid.Length > 0) r.Untagged($"OK {copyUid}Moved");
            var told = await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
            r.Tagged(c.Tag, "OK", ExpungeHandler.AfterRemovals(session, told) + $"{c.Name} completed");
        }
        else
        {
            await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
            r.Tagged(c.Tag, "OK", $"{copyUid}{c.Name} completed");
        }
    }
}
