using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>A session's view of its selected folder: messages by sequence number, as the client was last
/// told. It changes only when the client is told (EXISTS, EXPUNGE, FETCH FLAGS), so sequence numbers stay
/// in step with the client whatever other sessions do. Flags here are only what the client was last shown:
/// every change and every expunge acts on the flags stored in the database, never on these.</summary>
public sealed class SelectedFolder(FolderRecord folder, List<MessageEntry> messages, bool readOnly)
{
    public FolderRecord Folder { get; set; } = folder;
    public List<MessageEntry> Messages { get; } = messages;
    public bool ReadOnly { get; } = readOnly;

    /// <summary>Ids that are gone from the store but not yet reported with EXPUNGE.</summary>
    public HashSet<string> Vanished { get; } = [];

    /// <summary>UIDs that are \Recent in this session and in no other (RFC 3501 §2.3.2).</summary>
    public HashSet<long> RecentUids { get; } = [];

    /// <summary>Keywords the client was told of with FLAGS and PERMANENTFLAGS; no FETCH shows one before
    /// it is here (RFC 3501 §7.2.6).</summary>
    public SortedSet<string> Keywords { get; } = new(StringComparer.Ordinal);

    public uint Count => (uint)Messages.Count;

    public uint LargestUid => Messages.Count == 0 ? 0 : (uint)Messages[^1].Uid;

    public int RecentCount => Messages.Count(m => RecentUids.Contains(m.Uid));

    /// <summary>The flags the client sees: the stored ones, and \Recent where this session holds it.</summary>
    public string FlagsOf(MessageEntry entry) =>
        RecentUids.Contains(entry.Uid) ? MessageFlags.Format(MessageFlags.List(entry.Flags).Append(MessageFlags.Recent)) : entry.Flags;

    public IReadOnlySet<string> FlagSetOf(MessageEntry entry) => MessageFlags.Parse(FlagsOf(entry));

    /// <summary>Keywords in <paramref name="entries"/> the client has not been told of yet, now counted as told.</summary>
    public IReadOnlyList<string> NewKeywords(IEnumerable<MessageEntry> entries)
    {
        var added = new List<string>();
        // Most messages carry system flags only: those are passed over without splitting their flags.
        foreach (var flag in entries.Where(e => HasKeyword(e.Flags)).SelectMany(e => MessageFlags.List(e.Flags)))
            if (!flag.StartsWith('\\') && !Keywords.Contains(flag, StringComparer.OrdinalIgnoreCase) && Keywords.Add(flag)) added.Add(flag);
        return added;
    }

    /// <summary>Whether stored flags hold a keyword: a flag that does not begin with '\\'.</summary>
    private static bool HasKeyword(string flags)
    {
        for (var i = 0; i < flags.Length; i++)
            if ((i == 0 || flags[i - 1] == ' ') && flags[i] != ' ' && flags[i] != '\\') return true;
        return false;
    }

    /// <summary>The messages a set names, in ascending order, with their sequence numbers. With '*' on an
    /// empty folder nothing matches.</summary>
    public List<(uint Sequence, MessageEntry Message)> Resolve(SequenceSet set, bool byUid, IReadOnlySet<uint> lastSearch)
    {
        var result = new List<(uint, MessageEntry)>();
        if (Messages.Count == 0) return result;
        for (var i = 0; i < Messages.Count; i++)
        {
            var sequence = (uint)(i + 1);
            var uid = (uint)Messages[i].Uid;
            var match = set.IsSearchResult ? lastSearch.Contains(uid) : byUid ? set.Contains(uid, LargestUid) : set.Contains(sequence, Count);
            if (match) result.Add((sequence, Messages[i]));
        }
        return result;
    }

    /// <summary>Where the message with this UID is, or a negative number; the view is in UID order.</summary>
    public int IndexOfUid(long uid)
    {
        int low = 0, high = Messages.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var at = Messages[middle].Uid;
            if (at == uid) return middle;
            if (at < uid) low = middle + 1;
            else high = middle - 1;
        }
        return -1;
    }
}
