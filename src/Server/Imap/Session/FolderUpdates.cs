using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>Tells the client what changed in its selected folder since it was last told: new messages
/// (EXISTS, RECENT), removed ones (EXPUNGE, only where RFC 3501 §7.4.1 allows it), new keywords (FLAGS and
/// PERMANENTFLAGS, before any FETCH shows them) and flag changes (FETCH FLAGS), whichever door made the change.</summary>
public static class FolderUpdates
{
    public static async Task WriteAsync(ImapSession session, ImapResponse r, bool allowExpunge)
    {
        if (session.Selected is not { } selected) return;
        var messages = session.Services.Messages;
        // By id: a folder renamed by another session is still the one selected.
        var folder = await messages.FindFolderByIdAsync(session.User!.Id, selected.Folder.Id);
        // A folder deleted and made again may take the same id; its UIDVALIDITY is new (they only grow in a mailbox).
        if (folder is null || folder.UidValidity != selected.Folder.UidValidity)
        {
            // Deleted under us: nothing more can be reported; the client sees the folder empty.
            return;
        }
        if (folder.HighestModSeq == selected.Folder.HighestModSeq && selected.Vanished.Count == 0) return;

        // Only what changed since the client was last told: messages and removals with a higher modseq, so an
        // update costs the changes, not the folder. Applying a change twice (one read after the other raced a
        // write) changes nothing, since the session compares with what it last showed.
        var since = selected.Folder.HighestModSeq;
        var changes = folder.HighestModSeq == since ? [] : await messages.ListChangedSinceAsync(folder.Id, since);
        var removed = folder.HighestModSeq == since ? [] : await messages.ListExpungedSinceAsync(folder.Id, since);
        foreach (var uid in removed)
            if (selected.IndexOfUid(uid) is var at and >= 0) selected.Vanished.Add(selected.Messages[at].Id);

        if (allowExpunge && selected.Vanished.Count > 0)
        {
            // Highest first, so each number is right when the client reads it.
            for (var i = selected.Messages.Count - 1; i >= 0; i--)
            {
                if (!selected.Vanished.Contains(selected.Messages[i].Id)) continue;
                r.Untagged($"{i + 1} EXPUNGE");
                selected.Messages.RemoveAt(i);
            }
            selected.Vanished.Clear();
        }

        var largest = selected.LargestUid;
        var added = changes.Where(e => e.Uid > largest).ToList();
        var changed = new List<(int Index, MessageEntry Now)>();
        foreach (var now in changes)
            if (now.Uid <= largest && selected.IndexOfUid(now.Uid) is var at and >= 0 && selected.Messages[at].Id == now.Id
                && !selected.Vanished.Contains(now.Id) && now.Flags != selected.Messages[at].Flags)
                changed.Add((at, now));

        WriteNewKeywords(r, selected, changed.Select(c => c.Now).Concat(added));
        foreach (var (index, now) in changed)
        {
            selected.Messages[index] = now;
            r.Untagged($"{index + 1} FETCH (UID {now.Uid} FLAGS ({selected.FlagsOf(now)}))");
        }

        if (added.Count > 0)
        {
            await TakeRecentAsync(session, selected, added, folder.FirstRecentUid);
            selected.Messages.AddRange(added);
            r.Untagged($"{selected.Messages.Count} EXISTS").Untagged($"{selected.RecentCount} RECENT");
        }
        selected.Folder = folder;
    }

    /// <summary>Marks \Recent in this session those of <paramref name="arrived"/> (in UID order) that no session
    /// saw yet. A read-write session takes them, so no other session sees them as recent; a read-only one
    /// (EXAMINE) only looks, from <paramref name="firstRecent"/> as last read.</summary>
    public static async Task TakeRecentAsync(ImapSession session, SelectedFolder selected, IReadOnlyList<MessageEntry> arrived, long firstRecent)
    {
        // All taken already (as last read): nothing to write, which keeps SELECT of a quiet folder a pure read.
        if (arrived.Count == 0 || arrived[^1].Uid < firstRecent) return;
        if (!selected.ReadOnly)
        {
            var upTo = arrived[^1].Uid + 1;
            firstRecent = await session.Services.Changes.ClaimRecentAsync(selected.Folder.Id, upTo);
        }
        foreach (var entry in arrived)
            if (entry.Uid >= firstRecent) selected.RecentUids.Add(entry.Uid);
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
