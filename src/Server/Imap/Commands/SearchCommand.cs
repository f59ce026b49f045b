using MimeKit;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>SEARCH and UID SEARCH: every RFC 3501 key, evaluated on the index first and on content only
/// where a key needs it. The result is kept for '$' (SEARCHRES).</summary>
public sealed partial class ImapSession
{
    private sealed class Target(ImapSession session, uint sequence, MessageEntry entry, uint count, uint largestUid, CancellationToken ct) : ISearchTarget
    {
        private MimeMessage? _content;

        public uint Sequence => sequence;
        public uint Uid => (uint)entry.Uid;
        public uint LargestSequence => count;
        public uint LargestUid => largestUid;
        public IReadOnlySet<string> Flags => entry.FlagSet;
        public long Size => entry.Size;
        public DateTimeOffset InternalDate => DateTimeOffset.FromUnixTimeMilliseconds(entry.ReceivedAt);
        public IReadOnlySet<uint> LastSearchResult => session._lastSearch;

        public MimeMessage Content => _content ??= Load();

        private MimeMessage Load()
        {
            using var stream = session._services.Blobs.OpenRead(entry.Blob);
            return MimeMessage.Load(stream, ct);
        }
    }

    private async Task SearchAsync(ImapCommand c, ImapResponse r, bool byUid)
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
        var key = SearchParser.Parse(a, out var badCharset);
        if (badCharset is not null)
        {
            r.Tagged(c.Tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Only UTF-8 and US-ASCII are supported");
            return;
        }

        var selected = Selected!;
        var matches = new List<(uint Sequence, uint Uid)>();
        await Task.Run(() =>
        {
            for (var i = 0; i < selected.Messages.Count; i++)
            {
                var entry = selected.Messages[i];
                if (selected.Vanished.Contains(entry.Id)) continue;
                var target = new Target(this, (uint)(i + 1), entry, selected.Count, selected.LargestUid, CancellationToken.None);
                try
                {
                    if (key.Matches(target)) matches.Add(((uint)(i + 1), (uint)entry.Uid));
                }
                catch (FileNotFoundException)
                {
                    // A message removed while we read it does not match.
                }
            }
        });

        if (save) _lastSearch = matches.Select(m => m.Uid).ToHashSet();
        else r.Raw("* SEARCH").Raw(string.Concat(matches.Select(m => " " + (byUid ? m.Uid : m.Sequence)))).Line();
        await WriteUpdatesAsync(r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
