using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>QRESYNC (RFC 7162 §3.2): what a client that knew a folder up to a modseq has missed, by UID. Every
/// removal is kept with its modseq (<c>expunged</c>), so the answer is exact, and costs the changes since, not the
/// folder.</summary>
public static class QuickResync
{
    /// <summary>Ranges per VANISHED line, so a long list goes out as several lines, none built whole.</summary>
    private const int RangesPerLine = 500;

    /// <summary>Changed messages read at a time.</summary>
    private const int ChangesPerRead = 500;

    /// <summary>SELECT's QRESYNC parameter: VANISHED (EARLIER) for the known UIDs removed since, then a FETCH of
    /// the flags and modseq of each known message changed since. Nothing for another UIDVALIDITY: the client starts over.</summary>
    public static async Task WriteAsync(ImapSession session, SelectedFolder selected, QResyncParameters known, ImapResponse r, CancellationToken ct)
    {
        if (known.UidValidity != selected.Folder.UidValidity) return;
        var messages = session.Services.Messages;
        var largest = (uint)Math.Max(selected.Folder.UidNext - 1, selected.LargestUid);
        // Removed after the view was read: still in it, and told by the next update instead.
        var removed = (await messages.ListExpungedSinceAsync(selected.Folder.Id, known.ModSeq))
            .Where(uid => selected.SequenceOf(uid) == 0 && (known.KnownUids is null || known.KnownUids.Contains((uint)uid, largest)));
        await WriteVanishedAsync(session, r, removed, earlier: true, ct);

        await foreach (var changed in ChangedSinceAsync(session, selected.Folder.Id, known.ModSeq))
        {
            FolderUpdates.WriteNewKeywords(r, selected, changed);
            foreach (var entry in changed)
            {
                if (selected.SequenceOf(entry.Uid) is not (> 0 and var sequence) || known.KnownUids?.Contains((uint)entry.Uid, largest) == false) continue;
                r.Raw("* ").Number(sequence).Raw(" FETCH (UID ").Number(entry.Uid).Raw(" FLAGS (").Raw(selected.FlagsOf(entry)).Raw(") MODSEQ (")
                    .Number(entry.ModSeq).Raw("))").Line();
                selected.Showed(entry);
            }
            if (r.Length > ImapSession.ResponseFlushBytes) await session.WriteAsync(r, ct);
        }
    }

    /// <summary>The folder's messages changed since <paramref name="modseq"/>, a page at a time in (modseq, UID) order,
    /// so memory holds a page whatever the client asks for. One changed again meanwhile may come twice.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<MessageEntry>> ChangedSinceAsync(ImapSession session, long folderId, long modseq)
    {
        var (afterModSeq, afterUid) = (modseq, (long)uint.MaxValue);
        while (true)
        {
            var page = await session.Services.Messages.ListChangedAfterAsync(folderId, afterModSeq, afterUid, ChangesPerRead);
            if (page.Count > 0) yield return page;
            if (page.Count < ChangesPerRead) yield break;
            (afterModSeq, afterUid) = (page[^1].ModSeq, page[^1].Uid);
        }
    }

    /// <summary>VANISHED (or VANISHED (EARLIER)) for these UIDs, as ranges, a few hundred to a line.</summary>
    public static async Task WriteVanishedAsync(ImapSession session, ImapResponse r, IEnumerable<long> uids, bool earlier, CancellationToken ct)
    {
        var inLine = 0;
        foreach (var (low, high) in SequenceSet.RangesOf(uids.Select(uid => (uint)uid).Order()))
        {
            r.Raw(inLine > 0 ? "," : earlier ? "* VANISHED (EARLIER) " : "* VANISHED ").Number(low);
            if (high > low) r.Raw(":").Number(high);
            if (++inLine < RangesPerLine) continue;
            r.Line();
            inLine = 0;
            if (r.Length > ImapSession.ResponseFlushBytes) await session.WriteAsync(r, ct);
        }
        if (inLine > 0) r.Line();
    }
}
