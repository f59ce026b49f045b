using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>Tells the client what changed in its selected folder since it was last told: new messages
/// (EXISTS, RECENT), removed ones (EXPUNGE, only where RFC 3501 §7.4.1 allows it), new keywords (FLAGS and
/// PERMANENTFLAGS, before any FETCH shows them) and flag changes (FETCH FLAGS), whichever door made the change.</summary>
public static class FolderUpdates
{
    /// <returns>Whether removals were told (EXPUNGE or VANISHED).</returns>
    public static async Task<bool> WriteAsync(ImapSession session, ImapResponse r, bool allowExpunge)
    {
        if (session.Selected is not { } selected) return false;
        var messages = session.Services.Messages;
        // By id: a folder renamed by another session is still the one selected.
        var folder = await messages.FindFolderByIdAsync(session.User!.Id, selected.Folder.Id);
        // A folder deleted and made again may take the same id; its UIDVALIDITY is new (they only grow in a mailbox).
        if (folder is null || folder.UidValidity != selected.Folder.UidValidity)
        {
            // Deleted under us: nothing more can be reported; the client sees the folder empty.
            return false;
        }
        if (folder.HighestModSeq <= selected.Folder.HighestModSeq && selected.Vanished.Count == 0) return false;

        // Only what changed since the client was last told: messages and removals with a higher modseq, so an
        // update costs the changes, not the folder. A change read twice (one read after the other raced a
        // write) is shown once: the session remembers what it showed above the modseq it was told up to.
        var since = selected.Folder.HighestModSeq;
        var newer = folder.HighestModSeq > since;
        var changes = newer ? await messages.ListChangedSinceAsync(folder.Id, since) : [];
        var removed = newer ? await messages.ListExpungedSinceAsync(folder.Id, since) : [];
        foreach (var uid in removed)
            if (selected.SequenceOf(uid) > 0) selected.Vanished.Add((uint)uid);

        var told = allowExpunge && selected.Vanished.Count > 0;
        if (told)
        {
            // With QRESYNC by UID, all in one VANISHED (RFC 7162 §3.2.10).
            var gone = session.QResync ? selected.Vanished.Select(uid => (long)uid).ToList() : null;
            var sequences = selected.ExpungeVanished();
            if (gone is not null) await QuickResync.WriteVanishedAsync(session, r, gone, earlier: false, CancellationToken.None);
            else foreach (var sequence in sequences) r.Untagged($"{sequence} EXPUNGE");
        }

        var largest = selected.LargestUid;
        var added = changes.Where(e => e.Uid > largest).ToList();
        var changed = changes.Where(e => e.Uid <= largest && !selected.Vanished.Contains((uint)e.Uid) && !selected.AlreadyShown(e)).ToList();

        WriteNewKeywords(r, selected, changed.Concat(added));
        foreach (var now in changed)
        {
            if (selected.SequenceOf(now.Uid) is not (> 0 and var sequence)) continue;
            r.Untagged(session.CondStore
                ? $"{sequence} FETCH (UID {now.Uid} FLAGS ({selected.FlagsOf(now)}) MODSEQ ({now.ModSeq}))"
                : $"{sequence} FETCH (UID {now.Uid} FLAGS ({selected.FlagsOf(now)}))");
            selected.Showed(now);
        }

        if (added.Count > 0)
        {
            await TakeRecentAsync(session, selected, (uint)added[0].Uid, (uint)added[^1].Uid, folder.FirstRecentUid);
            selected.Arrived(added.Select(e => (uint)e.Uid).ToList());
            foreach (var entry in added) selected.Showed(entry);
            r.Untagged($"{selected.Count} EXISTS");
            if (!session.Rev2) r.Untagged($"{selected.RecentCount} RECENT");
        }
        selected.Told(folder);
        return told;
    }

    /// <summary>Marks \Recent in this session those arrivals from <paramref name="first"/> to <paramref name="last"/>
    /// that no session saw yet. A read-write session takes them, so no other session sees them as recent; a
    /// read-only one (EXAMINE) only looks, from <paramref name="firstRecent"/> as last read.</summary>
    public static async Task TakeRecentAsync(ImapSession session, SelectedFolder selected, uint first, uint last, long firstRecent)
    {
        // All taken already (as last read): nothing to write, which keeps SELECT of a quiet folder a pure read. An
        // IMAP4rev2 session takes none: it has no \Recent, and IMAP4rev1 sessions still see them as recent.
        if (last < firstRecent || session.Rev2) return;
        if (!selected.ReadOnly) firstRecent = await session.Services.Changes.ClaimRecentAsync(selected.Folder.Id, last + 1L);
        selected.AddRecent((uint)Math.Max(first, firstRecent), last + 1);
    }

    /// <summary>Announces keywords the client has not seen yet with FLAGS and PERMANENTFLAGS, as RFC 3501
    /// §7.2.6 requires before a FETCH may show them.</summary>
    public static void WriteNewKeywords(ImapResponse r, SelectedFolder selected, IEnumerable<MessageEntry> entries)
    {
        if (selected.NewKeywords(entries).Count == 0) return;
        WriteFlagLists(r, selected);
    }

    public static void WriteFlagLists(ImapResponse r, SelectedFolder selected)
    {
        var keywords = string.Concat(selected.Keywords.Select(k => " " + k));
        r.Untagged($"FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft{keywords})");
        r.Untagged(selected.ReadOnly
            ? "OK [PERMANENTFLAGS ()] Read-only"
            : $"OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft{keywords} \\*)] Flags permitted");
    }
}
