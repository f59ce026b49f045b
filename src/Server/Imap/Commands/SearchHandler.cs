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
        // Keys that read content are evaluated on all cores; the result keeps sequence order.
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
        var matches = Enumerable.Range(0, messages.Length).Where(i => hit[i]).Select(i => ((uint)(i + 1), (uint)messages[i].Uid)).ToList();

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
}
