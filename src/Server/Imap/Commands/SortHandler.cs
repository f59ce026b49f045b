using OpenMailserver.Server.Imap.Ordering;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>SORT and UID SORT (RFC 5256 §3, with SORT=DISPLAY of RFC 5957): the matches of a search in the order
/// of the criteria, ties by sequence number. The keys are read from the index in batches, one value per match for
/// each criterion, and the numbers written as they are made.</summary>
public sealed class SortHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["SORT", "UID SORT"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var sort = CommandParser.Sort(c.Arguments, session.Services.Imap.Value.MaxNestingDepth);
        if (sort.UnsupportedCharset is not null)
        {
            r.Tagged(c.Tag, "NO", SearchHandler.BadCharset);
            return;
        }
        var byUid = c.Name == "UID SORT";
        var selected = session.Selected!;
        var (matches, highestModSeq) = await SearchHandler.MatchAsync(session, selected, sort.Key, r, ct);
        var rows = await RowsAsync(session, selected, matches, sort.Criteria, ct);
        rows.Sort((a, b) => Compare(a, b, sort.Criteria));

        r.Raw("* SORT");
        foreach (var row in rows)
        {
            r.Space().Number(byUid ? row.Uid : row.Sequence);
            if (r.Length > ImapSession.ResponseFlushBytes) await session.WriteAsync(r, ct);
        }
        // With a MODSEQ key, the highest modseq of what is sorted (RFC 7162 §3.1.9).
        if (highestModSeq is { } modseq && rows.Count > 0) r.Raw(" (MODSEQ ").Number(modseq).Raw(")");
        r.Line();
        await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    /// <summary>One match with the value of each criterion (numbers for ARRIVAL, DATE and SIZE, collation keys otherwise).</summary>
    private sealed record Row(uint Sequence, uint Uid, long[] Numbers, string[] Texts);

    private static async Task<List<Row>> RowsAsync(ImapSession session, SelectedFolder selected, List<(uint Sequence, uint Uid)> matches,
        IReadOnlyList<SortCriterion> criteria, CancellationToken ct)
    {
        var rows = new List<Row>(matches.Count);
        await foreach (var batch in SearchHandler.RecordsAsync(session, selected, matches, ct))
        {
            foreach (var (sequence, m) in batch)
            {
                var numbers = new long[criteria.Count];
                var texts = new string[criteria.Count];
                for (var i = 0; i < criteria.Count; i++)
                {
                    switch (criteria[i].Key)
                    {
                        case SortKey.Arrival: numbers[i] = m.ReceivedAt; break;
                        case SortKey.Date: numbers[i] = SortValues.SentDate(m); break;
                        case SortKey.Size: numbers[i] = m.Size; break;
                        default: texts[i] = SortValues.Text(m, criteria[i].Key); break;
                    }
                }
                rows.Add(new Row(sequence, (uint)m.Uid, numbers, texts));
            }
        }
        return rows;
    }

    /// <summary>Criterion by criterion, REVERSE turning only its own; then the sequence number, never reversed.</summary>
    private static int Compare(Row a, Row b, IReadOnlyList<SortCriterion> criteria)
    {
        for (var i = 0; i < criteria.Count; i++)
        {
            var order = a.Texts[i] is null ? a.Numbers[i].CompareTo(b.Numbers[i]) : string.CompareOrdinal(a.Texts[i], b.Texts[i]);
            if (order != 0) return criteria[i].Reverse ? -order : order;
        }
        return a.Sequence.CompareTo(b.Sequence);
    }
}
