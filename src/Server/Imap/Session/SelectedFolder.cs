using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>A session's view of its selected folder: the UIDs by sequence number as the client was last told,
/// and the folder's modseq it was told up to. The view changes only when the client is told (EXISTS, EXPUNGE),
/// so sequence numbers stay in step with the client whatever other sessions do. It holds no message data:
/// FETCH, SEARCH and STORE read the messages as stored, and every change acts on the database.</summary>
public sealed class SelectedFolder(FolderRecord folder, UidList uids, bool readOnly)
{
    // \Recent UIDs of this session as ranges [From, To): each claim takes all arrivals up to a UID at once.
    private readonly List<(uint From, uint To)> _recent = [];

    // Messages whose flags this session showed as of a modseq above the one it was told up to (its own STORE,
    // a FETCH, a change read after the folder was), so the next update does not show them again.
    private readonly Dictionary<uint, long> _shown = [];

    /// <summary>The folder as last read; its <see cref="FolderRecord.HighestModSeq"/> is what the client was told up to.</summary>
    public FolderRecord Folder { get; private set; } = folder;

    public UidList Uids { get; private set; } = uids;
    public bool ReadOnly { get; } = readOnly;

    /// <summary>UIDs gone from the store but not yet reported with EXPUNGE.</summary>
    public HashSet<uint> Vanished { get; } = [];

    /// <summary>Keywords the client was told of with FLAGS and PERMANENTFLAGS; no FETCH shows one before
    /// it is here (RFC 3501 §7.2.6).</summary>
    public SortedSet<string> Keywords { get; } = new(StringComparer.OrdinalIgnoreCase);

    public uint Count => (uint)Uids.Count;

    public uint LargestUid => Uids.Last;

    public int RecentCount => _recent.Sum(range => Uids.CountBelow(range.To) - Uids.CountBelow(range.From));

    /// <summary>The sequence number of a UID in the view, or 0 when it is not in it.</summary>
    public uint SequenceOf(long uid) => uid is < 1 or > uint.MaxValue ? 0 : (uint)(Uids.IndexOf((uint)uid) + 1);

    /// <summary>The flags the client sees: the stored ones, and \Recent where this session holds it.</summary>
    public string FlagsOf(MessageEntry entry) =>
        IsRecent((uint)entry.Uid) ? MessageFlags.Format(MessageFlags.List(entry.Flags).Append(MessageFlags.Recent)) : entry.Flags;

    public IReadOnlySet<string> FlagSetOf(MessageEntry entry) => MessageFlags.Parse(FlagsOf(entry));

    /// <summary>Shows no message as \Recent any more (IMAP4rev2 was turned on).</summary>
    public void ForgetRecent() => _recent.Clear();

    /// <summary>Marks the UIDs from <paramref name="from"/> up to (not including) <paramref name="to"/> \Recent here.</summary>
    public void AddRecent(uint from, uint to)
    {
        if (from >= to) return;
        // Joined to the last range when no UID of the view lies between them (UIDs in a gap were expunged
        // before anyone saw them and never return), so a session that takes every arrival keeps one range.
        if (_recent.Count > 0 && Uids.CountBelow(from) == Uids.CountBelow(_recent[^1].To)) _recent[^1] = (_recent[^1].From, to);
        else _recent.Add((from, to));
    }

    /// <summary>Adds arrivals (ascending, above <see cref="LargestUid"/>) once the client is told of them.</summary>
    public void Arrived(IReadOnlyList<uint> arrived) => Uids = Uids.Append(arrived);

    /// <summary>Takes <see cref="Vanished"/> out of the view and returns their sequence numbers, highest first,
    /// so each EXPUNGE is right when the client reads it.</summary>
    public List<uint> ExpungeVanished()
    {
        var sequences = Vanished.Select(uid => Uids.IndexOf(uid)).Where(i => i >= 0).Select(i => (uint)(i + 1)).OrderDescending().ToList();
        Uids = Uids.Remove(Vanished);
        foreach (var uid in Vanished) _shown.Remove(uid);
        Vanished.Clear();
        return sequences;
    }

    /// <summary>Records that the client was shown this message's flags as stored at its modseq.</summary>
    public void Showed(MessageEntry entry)
    {
        if (entry.ModSeq > Folder.HighestModSeq) _shown[(uint)entry.Uid] = entry.ModSeq;
    }

    /// <summary>Whether the client was already shown this change (or a later one) of the message.</summary>
    public bool AlreadyShown(MessageEntry change) => _shown.TryGetValue((uint)change.Uid, out var modseq) && modseq >= change.ModSeq;

    /// <summary>The client has been told of everything up to <paramref name="now"/>'s modseq.</summary>
    public void Told(FolderRecord now)
    {
        Folder = now;
        if (_shown.Count == 0) return;
        foreach (var (uid, modseq) in _shown.ToList())
            if (modseq <= now.HighestModSeq) _shown.Remove(uid);
    }

    /// <summary>Keywords in <paramref name="entries"/> the client has not been told of yet, now counted as told.</summary>
    public IReadOnlyList<string> NewKeywords(IEnumerable<MessageEntry> entries)
    {
        var added = new List<string>();
        // Most messages carry system flags only: those are passed over without splitting their flags.
        foreach (var flag in entries.Where(e => HasKeyword(e.Flags)).SelectMany(e => MessageFlags.List(e.Flags)))
            if (!flag.StartsWith('\\') && Keywords.Add(flag)) added.Add(flag);
        return added;
    }

    /// <summary>The messages a set names, ascending, as (sequence number, UID): the cost is the set's ranges and
    /// the messages they name, not the folder. With '*' on an empty folder nothing matches.</summary>
    public List<(uint Sequence, uint Uid)> Resolve(SequenceSet set, bool byUid, IReadOnlySet<uint> lastSearch)
    {
        var result = new List<(uint, uint)>();
        if (Uids.Count == 0) return result;
        if (set.IsSearchResult)
        {
            foreach (var uid in lastSearch.Order())
                if (Uids.IndexOf(uid) is var at and >= 0) result.Add(((uint)(at + 1), uid));
            return result;
        }
        foreach (var (low, high) in set.Ranges(byUid ? LargestUid : Count))
        {
            // Positions (0-based) the range covers: by UID, where its ends fall in the view.
            var first = byUid ? Uids.CountBelow(low) : (int)Math.Min(low - 1L, Uids.Count);
            var last = byUid ? (high == uint.MaxValue ? Uids.Count : Uids.CountBelow(high + 1)) - 1 : (int)Math.Min(high - 1L, Uids.Count - 1L);
            if (first > last) continue;
            var sequence = (uint)first;
            foreach (var uid in Uids.Range(first, last)) result.Add((++sequence, uid));
        }
        return result;
    }

    /// <summary>Whether stored flags hold a keyword: a flag that does not begin with '\\'.</summary>
    private static bool HasKeyword(string flags)
    {
        for (var i = 0; i < flags.Length; i++)
            if ((i == 0 || flags[i - 1] == ' ') && flags[i] != ' ' && flags[i] != '\\') return true;
        return false;
    }

    /// <summary>By binary search: the ranges are in UID order, and another session taking arrivals in turn with
    /// this one makes many.</summary>
    private bool IsRecent(uint uid)
    {
        int low = 0, high = _recent.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            if (uid < _recent[middle].From) high = middle - 1;
            else if (uid >= _recent[middle].To) low = middle + 1;
            else return true;
        }
        return false;
    }
}
