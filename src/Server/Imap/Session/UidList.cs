namespace OpenMailserver.Server.Imap.Session;

/// <summary>The UIDs of a folder as one session sees them, ascending: position i holds sequence number i + 1.
/// Immutable and kept in chunks, so an arrival copies the last chunk and an expunge the chunks it touches, and
/// the sessions of one folder share every chunk none of them changed (<see cref="FolderViews"/>). Finding a
/// UID or a sequence number is two binary searches, whatever the folder's size.</summary>
public sealed class UidList
{
    /// <summary>4,096 UIDs (16 KB) a chunk: a change copies at most one chunk per change site, and a million
    /// UIDs make 245 chunks, so the chunk index copied with each change stays small too.</summary>
    internal const int ChunkSize = 4096;

    public static readonly UidList Empty = new([], []);

    private readonly uint[][] _chunks;
    // How many UIDs come before each chunk; with the chunks' first UIDs, what the binary searches look in.
    private readonly int[] _starts;

    private UidList(uint[][] chunks, int[] starts)
    {
        _chunks = chunks;
        _starts = starts;
        Count = chunks.Length == 0 ? 0 : starts[^1] + chunks[^1].Length;
    }

    public int Count { get; }

    /// <summary>The largest UID, or 0 when empty.</summary>
    public uint Last => _chunks.Length == 0 ? 0 : _chunks[^1][^1];

    /// <summary>The UID at a 0-based position (sequence number − 1).</summary>
    public uint this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            var chunk = ChunkOfIndex(index);
            return _chunks[chunk][index - _starts[chunk]];
        }
    }

    /// <summary>From sorted UIDs (as read in UID order).</summary>
    public static UidList From(IReadOnlyList<uint> uids)
    {
        if (uids.Count == 0) return Empty;
        var chunks = new uint[(uids.Count + ChunkSize - 1) / ChunkSize][];
        for (var c = 0; c < chunks.Length; c++)
        {
            var length = Math.Min(ChunkSize, uids.Count - c * ChunkSize);
            chunks[c] = new uint[length];
            for (var i = 0; i < length; i++) chunks[c][i] = uids[c * ChunkSize + i];
        }
        return new UidList(chunks, Starts(chunks));
    }

    /// <summary>The 0-based position of a UID, or −1 when it is not here.</summary>
    public int IndexOf(uint uid)
    {
        var chunk = ChunkOfUid(uid);
        if (chunk < 0) return -1;
        var at = Array.BinarySearch(_chunks[chunk], uid);
        return at < 0 ? -1 : _starts[chunk] + at;
    }

    /// <summary>How many UIDs here are smaller than <paramref name="uid"/>: where it is, or would be.</summary>
    public int CountBelow(uint uid)
    {
        var chunk = ChunkOfUid(uid);
        if (chunk < 0) return 0;
        var at = Array.BinarySearch(_chunks[chunk], uid);
        return _starts[chunk] + (at < 0 ? ~at : at);
    }

    /// <summary>This list with <paramref name="uids"/> (ascending, each above <see cref="Last"/>) after it.</summary>
    public UidList Append(IReadOnlyList<uint> uids)
    {
        if (uids.Count == 0) return this;
        var chunks = new List<uint[]>(_chunks);
        var next = 0;
        if (chunks.Count > 0 && chunks[^1].Length < ChunkSize)
        {
            // The last chunk is copied, never written: other sessions may hold it.
            var take = Math.Min(ChunkSize - chunks[^1].Length, uids.Count);
            var grown = new uint[chunks[^1].Length + take];
            chunks[^1].CopyTo(grown, 0);
            for (var i = 0; i < take; i++) grown[chunks[^1].Length + i] = uids[i];
            chunks[^1] = grown;
            next = take;
        }
        while (next < uids.Count)
        {
            var chunk = new uint[Math.Min(ChunkSize, uids.Count - next)];
            for (var i = 0; i < chunk.Length; i++) chunk[i] = uids[next + i];
            chunks.Add(chunk);
            next += chunk.Length;
        }
        return new UidList([.. chunks], Starts(chunks));
    }

    /// <summary>This list without <paramref name="uids"/>; those not here are passed over.</summary>
    public UidList Remove(IReadOnlySet<uint> uids)
    {
        if (uids.Count == 0 || Count == 0) return this;
        var touched = new HashSet<int>();
        foreach (var uid in uids)
            if (ChunkOfUid(uid) is var chunk and >= 0 && Array.BinarySearch(_chunks[chunk], uid) >= 0) touched.Add(chunk);
        if (touched.Count == 0) return this;
        var chunks = new List<uint[]>(_chunks.Length);
        for (var c = 0; c < _chunks.Length; c++)
        {
            if (!touched.Contains(c))
            {
                chunks.Add(_chunks[c]);
                continue;
            }
            var kept = Array.FindAll(_chunks[c], uid => !uids.Contains(uid));
            if (kept.Length == 0) continue;
            // A shrunk chunk joins the one before when both fit in one, so years of expunges do not leave
            // a long index of small chunks.
            if (chunks.Count > 0 && chunks[^1].Length + kept.Length <= ChunkSize) chunks[^1] = [.. chunks[^1], .. kept];
            else chunks.Add(kept);
        }
        return new UidList([.. chunks], Starts(chunks));
    }

    /// <summary>The UIDs from one position to another (inclusive), in order.</summary>
    public IEnumerable<uint> Range(int fromIndex, int toIndex)
    {
        if (fromIndex < 0 || toIndex >= Count) throw new ArgumentOutOfRangeException(nameof(toIndex), "Positions run from 0 to Count - 1.");
        for (var index = fromIndex; index <= toIndex;)
        {
            var chunk = ChunkOfIndex(index);
            var values = _chunks[chunk];
            for (var i = index - _starts[chunk]; i < values.Length && index <= toIndex; i++, index++) yield return values[i];
        }
    }

    private static int[] Starts(IReadOnlyList<uint[]> chunks)
    {
        var starts = new int[chunks.Count];
        for (int c = 0, total = 0; c < chunks.Count; total += chunks[c].Length, c++) starts[c] = total;
        return starts;
    }

    /// <summary>The chunk holding position <paramref name="index"/>.</summary>
    private int ChunkOfIndex(int index)
    {
        var at = Array.BinarySearch(_starts, index);
        return at >= 0 ? at : ~at - 1;
    }

    /// <summary>The chunk where <paramref name="uid"/> is or would be (the last one whose first UID is not
    /// above it), or −1 when it is below them all.</summary>
    private int ChunkOfUid(uint uid)
    {
        int low = 0, high = _chunks.Length - 1, found = -1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            if (_chunks[middle][0] <= uid)
            {
                found = middle;
                low = middle + 1;
            }
            else high = middle - 1;
        }
        return found;
    }
}
