using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>SEARCH and UID SEARCH: every RFC 3501 key and CONDSTORE's MODSEQ, evaluated on the index first and on
/// content only where a key needs it. RETURN gives ESEARCH's MIN, MAX, COUNT and ALL (RFC 4731) and keeps the result
/// for '$' (SAVE, SEARCHRES). With MODSEQ in the keys the response ends with the highest modseq of the matches
/// (RFC 7162 §3.1.5).</summary>
public sealed class SearchHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["SEARCH", "UID SEARCH"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var search = CommandParser.Search(c.Arguments, session.Services.Imap.Value.MaxNestingDepth);
        // IMAP4rev2 answers every SEARCH with ESEARCH; without RETURN it is ALL (RFC 9051 §6.4.4).
        if (session.Rev2 && search.Return is null) search = search with { Return = new HashSet<string> { "ALL" } };
        var byUid = c.Name == "UID SEARCH";
        if (search.UnsupportedCharset is not null)
        {
            // A SAVE search that fails empties '$' (RFC 5182 §2.1).
            if (search.Returns("SAVE")) session.LastSearch = new HashSet<uint>();
            r.Tagged(c.Tag, "NO", BadCharset);
            return;
        }

        var selected = session.Selected!;
        var namesModSeq = NamesModSeq(search.Key);
        if (namesModSeq) session.EnableCondStore(r);
        var modseqs = new Dictionary<uint, long>();
        var matches = await FromFlagIndexAsync(session, selected, search.Key)
                      ?? await EvaluateAsync(session, selected, search.Key, (uid, modseq) => { if (namesModSeq) modseqs[uid] = modseq; }, ct);
        var minMaxOnly = (search.Returns("MIN") || search.Returns("MAX")) && !search.Returns("ALL") && !search.Returns("COUNT");

        if (search.Returns("SAVE"))
        {
            // SAVE with MIN or MAX but neither ALL nor COUNT keeps just those (RFC 5182 §2.4).
            var saved = matches.Select(m => m.Item2).ToHashSet();
            if (minMaxOnly && matches.Count > 0)
            {
                saved = [];
                if (search.Returns("MIN")) saved.Add(matches[0].Item2);
                if (search.Returns("MAX")) saved.Add(matches[^1].Item2);
            }
            session.LastSearch = saved;
        }
        // The highest modseq of what is returned: of the MIN and MAX messages alone when only those are (RFC 4731 §3.2).
        long? highest = !namesModSeq || matches.Count == 0 ? null
            : search.Extended && minMaxOnly ? Math.Max(search.Returns("MIN") ? modseqs[matches[0].Item2] : 0, search.Returns("MAX") ? modseqs[matches[^1].Item2] : 0)
            : modseqs.Values.Max();
        if (search.Extended) await WriteEsearchAsync(session, c.Tag, search, byUid, matches, highest, r, ct);
        else if (!search.Returns("SAVE"))
        {
            // One number at a time, flushed as it grows: a large folder makes a long line, not a large buffer.
            r.Raw("* SEARCH");
            foreach (var (sequence, uid) in matches)
            {
                r.Space().Number(byUid ? uid : sequence);
                if (r.Length > ImapSession.ResponseFlushBytes) await session.WriteAsync(r, ct);
            }
            if (highest is { } modseq) r.Raw(" (MODSEQ ").Number(modseq).Raw(")");
            r.Line();
        }
        await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    /// <summary>RFC 4731's ESEARCH response: the tag it answers, UID for UID SEARCH, then what RETURN asked for;
    /// MIN, MAX and ALL only when something matched. ALL is a set of ranges, written as it is made. With a MODSEQ
    /// key, the highest modseq of the matches (RFC 7162 §3.1.5).</summary>
    private static async Task WriteEsearchAsync(ImapSession session, string tag, SearchArguments search, bool byUid, List<(uint, uint)> matches, long? highest,
        ImapResponse r, CancellationToken ct)
    {
        uint Number((uint Sequence, uint Uid) m) => byUid ? m.Uid : m.Sequence;
        r.Raw("* ESEARCH (TAG ").String(tag).Raw(")");
        if (byUid) r.Raw(" UID");
        if (matches.Count > 0 && search.Returns("MIN")) r.Raw(" MIN ").Number(Number(matches[0]));
        if (matches.Count > 0 && search.Returns("MAX")) r.Raw(" MAX ").Number(Number(matches[^1]));
        if (search.Returns("COUNT")) r.Raw(" COUNT ").Number(matches.Count);
        if (matches.Count > 0 && search.Returns("ALL"))
        {
            r.Raw(" ALL ");
            // Matches come in ascending order of both numbers.
            var first = true;
            foreach (var (low, high) in SequenceSet.RangesOf(matches.Select(Number)))
            {
                r.Raw(first ? "" : ",").Number(low);
                if (high > low) r.Raw(":").Number(high);
                first = false;
                if (r.Length > ImapSession.ResponseFlushBytes) await session.WriteAsync(r, ct);
            }
        }
        if (highest is { } modseq && matches.Count > 0) r.Raw(" MODSEQ ").Number(modseq);
        r.Line();
    }

    /// <summary>The answer to a search in a charset other than UTF-8 and US-ASCII (SEARCH, SORT, THREAD).</summary>
    public const string BadCharset = "[BADCHARSET (UTF-8 US-ASCII)] Only UTF-8 and US-ASCII are supported";

    /// <summary>How many index entries of the matches one read brings (SORT, THREAD).</summary>
    private const int RecordBatch = 1000;

    /// <summary>The index entries of <paramref name="matches"/>, a batch at a time, each with its sequence number; a message
    /// expunged since the search is left out, as FETCH leaves it.</summary>
    public static async IAsyncEnumerable<List<(uint Sequence, MessageRecord Record)>> RecordsAsync(ImapSession session, SelectedFolder selected,
        List<(uint Sequence, uint Uid)> matches, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var chunk in matches.Chunk(RecordBatch))
        {
            ct.ThrowIfCancellationRequested();
            var records = (await session.Services.Messages.ListRecordsAsync(selected.Folder.Id, chunk.Select(m => m.Uid).ToList())).ToDictionary(m => (uint)m.Uid);
            yield return [.. chunk.Where(m => records.ContainsKey(m.Uid)).Select(m => (m.Sequence, records[m.Uid]))];
        }
    }

    /// <summary>The messages of the view that <paramref name="key"/> matches, as (sequence number, UID) in ascending
    /// order, and with a MODSEQ key the highest modseq among them (RFC 7162 §3.1.9): SORT and THREAD search as SEARCH does.</summary>
    public static async Task<(List<(uint Sequence, uint Uid)> Matches, long? HighestModSeq)> MatchAsync(ImapSession session, SelectedFolder selected,
        SearchKey key, ImapResponse r, CancellationToken ct)
    {
        var namesModSeq = NamesModSeq(key);
        // A MODSEQ key turns CONDSTORE on, as in SEARCH.
        if (namesModSeq) session.EnableCondStore(r);
        long? highest = null;
        var matches = await FromFlagIndexAsync(session, selected, key)
                      ?? await EvaluateAsync(session, selected, key, (_, modseq) => { if (namesModSeq) highest = Math.Max(highest ?? 0, modseq); }, ct);
        return (matches, highest);
    }

    /// <summary>UNSEEN, FLAGGED and DELETED alone, the searches clients send most, from the index kept for each
    /// (as stored now), placed in the session's view by UID: the cost is the matches, not the folder. Null for
    /// any other key.</summary>
    private static async Task<List<(uint, uint)>?> FromFlagIndexAsync(ImapSession session, SelectedFolder selected, SearchKey key)
    {
        IndexedFlag? flag = key switch
        {
            SearchKey.HasFlag { Flag: MessageFlags.Seen, Set: false } => IndexedFlag.Unseen,
            SearchKey.HasFlag { Flag: MessageFlags.Flagged, Set: true } => IndexedFlag.Flagged,
            SearchKey.HasFlag { Flag: MessageFlags.Deleted, Set: true } => IndexedFlag.Deleted,
            _ => null,
        };
        if (flag is null) return null;
        var matches = new List<(uint, uint)>();
        foreach (var uid in await session.Services.Messages.ListUidsWithAsync(selected.Folder.Id, flag.Value))
            if (selected.SequenceOf(uid) is > 0 and var sequence && !selected.Vanished.Contains((uint)uid)) matches.Add((sequence, (uint)uid));
        return matches;
    }

    private static bool NamesModSeq(SearchKey key) => key switch
    {
        SearchKey.ModSeq => true,
        SearchKey.Not not => NamesModSeq(not.Key),
        SearchKey.Or or => NamesModSeq(or.Left) || NamesModSeq(or.Right),
        SearchKey.And and => and.Keys.Any(NamesModSeq),
        _ => false,
    };

    /// <summary>How many messages one read of the store brings (and one parallel pass evaluates).</summary>
    private const int EvaluateBatch = 1000;

    /// <summary>Every key, message by message: index data first, content only where a key needs it, on all cores
    /// when it does. The folder is read in batches in view order, so memory holds one batch and the matches.</summary>
    private static async Task<List<(uint, uint)>> EvaluateAsync(ImapSession session, SelectedFolder selected, SearchKey key, Action<uint, long> matchedModSeq,
        CancellationToken ct)
    {
        var (count, largestUid, uids) = (selected.Count, selected.LargestUid, selected.Uids);
        // A set of UIDs or numbers that every match must be in ("UID 5000:* …", how clients ask what is new)
        // narrows what is read to the messages it names.
        var narrowing = key switch
        {
            SearchKey.Sequence sequence => sequence,
            SearchKey.And and => and.Keys.OfType<SearchKey.Sequence>().FirstOrDefault(),
            _ => null,
        };
        var candidates = narrowing is null ? uids.Range(0, uids.Count - 1) : selected.Resolve(narrowing.Set, narrowing.ByUid, session.LastSearch).Select(m => m.Uid);
        var matches = new List<(uint, uint)>();
        foreach (var chunk in candidates.Where(uid => !selected.Vanished.Contains(uid)).Chunk(EvaluateBatch))
        {
            var batch = chunk.ToList();
            var entries = await session.Services.Messages.ListEntriesAsync(selected.Folder.Id, batch);
            var index = key.UsesIndexedHeaders ? (await session.Services.Messages.ListRecordsAsync(selected.Folder.Id, batch)).ToDictionary(m => m.Id) : null;
            var hit = new bool[entries.Count];
            await Task.Run(() => Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = key.NeedsContent ? Environment.ProcessorCount : 1, CancellationToken = ct }, i =>
            {
                try
                {
                    hit[i] = key.Matches(new SearchTarget(session, selected.SequenceOf(entries[i].Uid), entries[i], count, largestUid, index, ct));
                }
                catch (FileNotFoundException)
                {
                    // A message removed while we read it does not match.
                }
            }), ct);
            for (var i = 0; i < entries.Count; i++)
            {
                if (!hit[i]) continue;
                matches.Add((selected.SequenceOf(entries[i].Uid), (uint)entries[i].Uid));
                matchedModSeq((uint)entries[i].Uid, entries[i].ModSeq);
            }
        }
        return matches;
    }
}
