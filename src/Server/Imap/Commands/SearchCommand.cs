using MimeKit;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>SEARCH and UID SEARCH: every RFC 3501 key, evaluated on the index first and on content only
/// where a key needs it. The result is kept for '$' (SEARCHRES).</summary>
public sealed partial class ImapSession
{
    private sealed class Target(ImapSession session, uint sequence, MessageEntry entry, uint count, uint largestUid,
        IReadOnlyDictionary<string, MessageRecord>? index, CancellationToken ct) : ISearchTarget
    {
        private MimeMessage? _content;
        private HeaderList? _headers;

        public uint Sequence => sequence;
        public uint Uid => (uint)entry.Uid;
        public uint LargestSequence => count;
        public uint LargestUid => largestUid;
        public IReadOnlySet<string> Flags => session.Selected!.FlagSetOf(entry);
        public long Size => entry.Size;
        public DateTimeOffset InternalDate => DateTimeOffset.FromUnixTimeMilliseconds(entry.ReceivedAt);
        public IReadOnlySet<uint> LastSearchResult => session._lastSearch;

        public MimeMessage Content => _content ??= Load();

        public string? IndexedHeader(string field)
        {
            if (index is null || !index.TryGetValue(entry.Id, out var record)) return null;
            return field.ToUpperInvariant() switch
            {
                "SUBJECT" => record.Subject,
                "FROM" => record.FromHeader,
                "TO" => record.ToHeader,
                "CC" => record.CcHeader,
                _ => null,
            };
        }

        public HeaderList Headers => _content?.Headers ?? (_headers ??= LoadHeaders());

        private MimeMessage Load()
        {
            using var stream = session._services.Blobs.OpenRead(entry.Blob);
            return BoundedMime.Load(stream, MimeLimits.From(session._services.Options.Value.Inbound), ct).Mime;
        }

        private HeaderList LoadHeaders()
        {
            using var stream = session._services.Blobs.OpenRead(entry.Blob);
            return BoundedMime.LoadHeaders(stream, MimeLimits.From(session._services.Options.Value.Inbound), ct);
        }
    }

    private async Task SearchAsync(ImapCommand c, ImapResponse r, bool byUid, CancellationToken ct)
    {
        var a = c.Arguments;
        a.Space();
        var save = false;
        if (a.TryWord("RETURN"))
        {
            // ESEARCH return options: only SAVE (RFC 5182) is offered; the result is still a SEARCH response.
            a.Space();
            a.Expect('(');
            while (!a.TryExpect(')'))
            {
                a.TrySpace();
                var option = a.Atom("a return option").ToUpperInvariant();
                if (option == "SAVE") save = true;
                else throw new ImapParseException($"Unsupported SEARCH return option {option}");
            }
            a.Space();
        }
        var key = SearchParser.Parse(a, _services.Options.Value.Imap.MaxNestingDepth, out var badCharset);
        if (badCharset is not null)
        {
            r.Tagged(c.Tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Only UTF-8 and US-ASCII are supported");
            return;
        }

        var selected = Selected!;
        // Keys that read content are evaluated on all cores; the result keeps sequence order.
        var messages = selected.Messages.ToArray();
        var hit = new bool[messages.Length];
        var (count, largestUid) = (selected.Count, selected.LargestUid);
        IReadOnlyDictionary<string, MessageRecord>? index = null;
        if (key.UsesIndexedHeaders)
            index = (await _services.Messages.QueryAsync(new MessageQuery(selected.Folder.MailboxId, int.MaxValue) { FolderId = selected.Folder.Id })).ToDictionary(m => m.Id);
        await Task.Run(() => Parallel.For(0, messages.Length, new ParallelOptions { MaxDegreeOfParallelism = key.NeedsContent ? Environment.ProcessorCount : 1, CancellationToken = ct }, i =>
        {
            if (selected.Vanished.Contains(messages[i].Id)) return;
            try
            {
                hit[i] = key.Matches(new Target(this, (uint)(i + 1), messages[i], count, largestUid, index, ct));
            }
            catch (FileNotFoundException)
            {
                // A message removed while we read it does not match.
            }
        }));
        var matches = Enumerable.Range(0, messages.Length).Where(i => hit[i]).Select(i => ((uint)(i + 1), (uint)messages[i].Uid)).ToList();

        if (save) _lastSearch = matches.Select(m => m.Item2).ToHashSet();
        else
        {
            // One number at a time, flushed as it grows: a large folder makes a long line, not a large buffer.
            r.Raw("* SEARCH");
            foreach (var (sequence, uid) in matches)
            {
                r.Space().Number(byUid ? uid : sequence);
                if (r.Length > ResponseFlushBytes) await WriteAsync(r, ct);
            }
            r.Line();
        }
        await WriteUpdatesAsync(r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
