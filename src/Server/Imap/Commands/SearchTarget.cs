using MimeKit;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>One message as SEARCH keys see it: index fields first, and the stored message (its header block
/// alone when that is enough) read only when a key asks for content.</summary>
public sealed class SearchTarget(ImapSession session, uint sequence, MessageEntry entry, uint count, uint largestUid,
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
    public long ModSeq => entry.ModSeq;
    public DateTimeOffset InternalDate => DateTimeOffset.FromUnixTimeMilliseconds(entry.ReceivedAt);
    public IReadOnlySet<uint> LastSearchResult => session.LastSearch;

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
        using var stream = session.Services.Blobs.OpenRead(entry.Blob);
        return BoundedMime.Load(stream, MimeLimits.From(session.Services.Inbound.Value), ct).Mime;
    }

    private HeaderList LoadHeaders()
    {
        using var stream = session.Services.Blobs.OpenRead(entry.Blob);
        return BoundedMime.LoadHeaders(stream, MimeLimits.From(session.Services.Inbound.Value), ct);
    }
}
