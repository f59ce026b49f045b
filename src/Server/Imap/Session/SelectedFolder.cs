using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>A session's view of its selected folder: messages by sequence number, as the client was last
/// told. It changes only when the client is told (EXISTS, EXPUNGE, FETCH FLAGS), so sequence numbers stay
/// in step with the client whatever other sessions do.</summary>
public sealed class SelectedFolder(FolderRecord folder, List<MessageEntry> messages, bool readOnly)
{
    public FolderRecord Folder { get; set; } = folder;
    public List<MessageEntry> Messages { get; } = messages;
    public bool ReadOnly { get; } = readOnly;

    /// <summary>Ids that are gone from the store but not yet reported with EXPUNGE.</summary>
    public HashSet<string> Vanished { get; } = [];

    public uint Count => (uint)Messages.Count;

    public uint LargestUid => Messages.Count == 0 ? 0 : (uint)Messages[^1].Uid;

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

    public int IndexOf(string id) => Messages.FindIndex(m => m.Id == id);
}
