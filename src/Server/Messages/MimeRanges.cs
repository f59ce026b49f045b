using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>Where each entity of a parsed message lies in the raw bytes: its header, its content and its line
/// count, as MimeKit's parser reports them, so a part's bytes can be cut from the stored message exactly and
/// sizes add up (RFC 3501 §6.4.5, §7.4.2).</summary>
public sealed class MimeRanges
{
    private readonly ReadOnlyMemory<byte> _raw;
    private readonly Dictionary<object, long> _begins = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MimeEntity, PartRange> _entities = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MimeMessage, PartRange> _messages = new(ReferenceEqualityComparer.Instance);

    /// <summary>Listens to <paramref name="parser"/>, which reads <paramref name="raw"/> after
    /// <paramref name="shift"/> bytes of its own (the empty header given to a message without one), and keeps
    /// offsets into <paramref name="raw"/>.</summary>
    public MimeRanges(MimeParser parser, ReadOnlyMemory<byte> raw, int shift)
    {
        _raw = raw;
        long At(long offset) => Math.Max(0, offset - shift);
        parser.MimeEntityBegin += (_, e) => _begins[e.Entity] = At(e.BeginOffset);
        parser.MimeMessageBegin += (_, e) => _begins[e.Message] = At(e.BeginOffset);
        parser.MimeEntityEnd += (_, e) => _entities[e.Entity] = RangeOf(_begins[e.Entity], At(e.HeadersEndOffset), At(e.EndOffset), e.Lines);
        parser.MimeMessageEnd += (_, e) => _messages[e.Message] = RangeOf(_begins[e.Message], At(e.HeadersEndOffset), At(e.EndOffset), 0);
    }

    public PartRange? Of(MimeEntity entity) => _entities.GetValueOrDefault(entity);

    public PartRange? Of(MimeMessage message) => _messages.GetValueOrDefault(message);

    private PartRange RangeOf(long begin, long headersEnd, long end, int lines)
    {
        var raw = _raw.Span;
        var contentBegin = headersEnd;
        if (contentBegin < raw.Length && raw[(int)contentBegin] == '\r' && contentBegin + 1 < raw.Length && raw[(int)contentBegin + 1] == '\n') contentBegin += 2;
        else if (contentBegin < raw.Length && raw[(int)contentBegin] == '\n') contentBegin += 1;
        // Hostile MIME can give offsets out of order (an entity ending inside its own header's line end):
        // every range is kept within the message and in order, so a section is never read out of bounds.
        var stop = Math.Clamp(end, 0, raw.Length);
        var start = Math.Clamp(begin, 0, stop);
        var headers = Math.Clamp(headersEnd, start, stop);
        return new PartRange(start, headers, Math.Clamp(contentBegin, headers, stop), stop, lines);
    }
}

/// <summary>An entity's place in the raw message: header from <see cref="Begin"/>, content from
/// <see cref="ContentBegin"/> to <see cref="End"/>, and its line count.</summary>
public sealed record PartRange(long Begin, long HeadersEnd, long ContentBegin, long End, int Lines);
