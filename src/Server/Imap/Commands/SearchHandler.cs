using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>SEARCH and UID SEARCH: every RFC 3501 key, evaluated on the index first and on content only
/// where a key needs it. The result is kept for '$' (SEARCHRES).</summary>
public sealed class SearchHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["SEARCH", "UID SEARCH"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var (save, key, unsupportedCharset) = CommandParser.Search(c.Arguments, session.Services.Imap.Value.MaxNestingDepth);
        var byUid = c.Name == "UID SEARCH";
        if (unsupportedCharset is not null)
        {
            r.Tagged(c.Tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Only UTF-8 and US-ASCII are supported");
            return;
        }

        var selected = session.Selected!;
        var matches = await FromFlagIndexAsync(session, selected, key) ?? await EvaluateAsync(session, selected, key, ct);

        if (save) session.LastSearch = matches.Select(m => m.Item2).ToHashSet();
        else
        {
            // One number at a time, flushed as it grows: a large folder makes a long line, not a large buffer.
            r.Raw("* SEARCH");
            foreach (var (sequence, uid) in matches)
            {
                r.Space().Number(byUid ? uid : sequence);
                if (r.Length > ImapSession.ResponseFlushBytes) await session.WriteAsync(r, ct);
            }
            r.Line();
        }
        await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
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
        {
            var at = selected.IndexOfUid(uid);
            if (at >= 0 && !selected.Vanished.Contains(selected.Messages[at].Id)) matches.Add(((uint)(at + 1), (uint)uid));
        }
        return matches;
    }

    /// <summary>Every key, message by message: index data first, content only where a key needs it, on all cores
    /// when it does; the result keeps sequence order.</summary>
    private static async Task<List<(uint, uint)>> EvaluateAsync(ImapSession session, SelectedFolder selected, SearchKey key, CancellationToken ct)
    {
        var messages = selected.Messages.ToArray();
        var hit = new bool[messages.Length];
        var (count, largestUid) = (selected.Count, selected.LargestUid);
        IReadOnlyDictionary<string, MessageRecord>? index = null;
        if (key.UsesIndexedHeaders)
            index = (await session.Services.Messages.QueryAsync(new MessageQuery(selected.Folder.MailboxId, int.MaxValue) { FolderId = selected.Folder.Id })).ToDictionary(m => m.Id);
        await Task.Run(() => Parallel.For(0, messages.Length, new ParallelOptions { MaxDegreeOfParallelism = key.NeedsContent ? Environment.ProcessorCount : 1, CancellationToken = ct }, i =>
        {
            if (selected.Vanished.Contains(messages[i].Id)) return;
            try
            {
                hit[i] = key.Matches(new SearchTarget(session, (uint)(i + 1), messages[i], count, largestUid, index, ct));
            }
            catch (FileNotFoundException)
            {
                // A message removed while we read it does not match.
            }
        }), ct);
        return Enumerable.Range(0, messages.Length).Where(i => hit[i]).Select(i => ((uint)(i + 1), (uint)messages[i].Uid)).ToList();
    }
}
