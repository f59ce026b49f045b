using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>EXPUNGE and UID EXPUNGE (UIDPLUS).</summary>
public sealed class ExpungeHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["EXPUNGE", "UID EXPUNGE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var uids = CommandParser.OptionalUidSet(c.Arguments, byUid: c.Name == "UID EXPUNGE");
        var selected = session.Selected!;
        if (selected.ReadOnly)
        {
            r.Tagged(c.Tag, "NO", Folders.ReadOnly);
            return;
        }
        // The removals are learnt from the store like any other, and reported as EXPUNGE at once.
        await ExpungeDeletedAsync(session, selected, uids);
        var told = await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
        r.Tagged(c.Tag, "OK", AfterRemovals(session, told) + $"{c.Name} completed");
    }

    /// <summary>With QRESYNC, the folder's new HIGHESTMODSEQ once removals were told (RFC 7162 §3.2.7, RFC 6851
    /// §4.4 for MOVE), so the client's modseq moves past them.</summary>
    public static string AfterRemovals(ImapSession session, bool told) =>
        told && session.QResync ? $"[HIGHESTMODSEQ {session.Selected!.Folder.HighestModSeq}] " : "";

    /// <summary>Removes the messages that are \Deleted in the database at this moment (of those with a UID in
    /// <paramref name="uids"/>, for UID EXPUNGE), whatever this session last saw: a message another session
    /// undeleted stays, one it deleted goes.</summary>
    public static async Task ExpungeDeletedAsync(ImapSession session, SelectedFolder selected, SequenceSet? uids)
    {
        await session.Services.Changes.ExpungeAsync(selected.Folder.Id, deleted =>
        {
            var largest = (uint)Math.Max(selected.LargestUid, deleted.Count == 0 ? 0 : deleted[^1].Uid);
            return deleted.Where(m => uids is null || uids.Contains((uint)m.Uid, largest)).Select(m => m.Id);
        });
    }
}
