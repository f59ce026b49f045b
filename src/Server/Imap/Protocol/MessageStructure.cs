using System.Text;
using MimeKit;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>A stored message as IMAP sees it: the raw bytes, the MIME tree parsed by MimeKit, and for each
/// entity the byte ranges of its header and body in the raw message (<see cref="MimeRanges"/>), so that
/// BODY[section] returns the exact stored bytes and sizes add up (RFC 3501 §6.4.5, §7.4.2).</summary>
public sealed class MessageStructure
{
    private MessageStructure(byte[] raw) => Raw = raw;

    public byte[] Raw { get; }

    public MimeMessage Message { get; private set; } = null!;

    private MimeRanges _ranges = null!;

    /// <summary>Parses a stored message. Anything may have arrived on the MX, including bytes whose first line
    /// is no header field, which MimeKit refuses: such a message is shown as it is, with no header fields and
    /// the whole of it as its (text/plain) body.</summary>
    public static MessageStructure Parse(byte[] raw)
    {
        try
        {
            return Parse(raw, raw, shift: 0);
        }
        catch (FormatException)
        {
            return Parse(raw, [.. StoredMime.EmptyHeader, .. raw], StoredMime.EmptyHeader.Length);
        }
    }

    /// <summary>Parses <paramref name="parsed"/>, which is <paramref name="raw"/> after <paramref name="shift"/>
    /// bytes of its own, and keeps offsets into <paramref name="raw"/>.</summary>
    private static MessageStructure Parse(byte[] raw, byte[] parsed, int shift)
    {
        var structure = new MessageStructure(raw);
        using var stream = new MemoryStream(parsed, writable: false);
        var parser = new MimeParser(stream, MimeFormat.Entity, persistent: false);
        structure._ranges = new MimeRanges(parser, raw, shift);
        structure.Message = parser.ParseMessage();
        return structure;
    }

    /// <summary>The structure ENVELOPE and BODYSTRUCTURE show, kept no deeper than <paramref name="maxDepth"/>.</summary>
    public MimeTree Tree(int maxDepth) => MimeTree.Build(Message, _ranges, maxDepth).Tree;

    /// <summary>The header block of the top-level message, blank line included.</summary>
    public ReadOnlyMemory<byte> Header => Raw.AsMemory(0, (int)_ranges.Of(Message)!.ContentBegin);

    /// <summary>The body of the top-level message (everything after the header block).</summary>
    public ReadOnlyMemory<byte> Text => Raw.AsMemory((int)_ranges.Of(Message)!.ContentBegin);

    /// <summary>The bytes of a BODY[section]: the part's content, or null when there is no such part.
    /// Slices of the stored message, not copies, so a FETCH of many sections costs no memory per section.</summary>
    public ReadOnlyMemory<byte>? Section(IReadOnlyList<int> path, string? specifier, IReadOnlyList<string>? fields)
    {
        var entity = PartNumbers.Find(Message, path);
        if (entity is null && path.Count > 0) return null;

        if (entity is null)
        {
            // No part number: the top-level message.
            return specifier switch
            {
                null => Raw,
                "HEADER" => Header,
                "TEXT" => Text,
                "HEADER.FIELDS" => Fields(Header.Span, fields!, exclude: false),
                "HEADER.FIELDS.NOT" => Fields(Header.Span, fields!, exclude: true),
                _ => null,
            };
        }

        if (_ranges.Of(entity) is not { } range) return null;
        switch (specifier)
        {
            case null:
                return Raw.AsMemory((int)range.ContentBegin, (int)(range.End - range.ContentBegin));
            case "MIME":
                return Raw.AsMemory((int)range.Begin, (int)(range.ContentBegin - range.Begin));
        }
        // HEADER and TEXT of a part are those of the message it holds (message/rfc822).
        if (entity is not MessagePart { Message: { } nested } || _ranges.Of(nested) is not { } nestedRange) return null;
        var nestedBegin = range.ContentBegin;
        var header = Raw.AsMemory((int)nestedBegin, (int)(nestedRange.ContentBegin - nestedBegin));
        return specifier switch
        {
            "HEADER" => header,
            "TEXT" => Raw.AsMemory((int)nestedRange.ContentBegin, (int)(nestedRange.End - nestedRange.ContentBegin)),
            "HEADER.FIELDS" => Fields(header.Span, fields!, exclude: false),
            "HEADER.FIELDS.NOT" => Fields(header.Span, fields!, exclude: true),
            _ => null,
        };
    }

    /// <summary>The bytes of a BINARY[section] (RFC 3516): the part's content with its Content-Transfer-Encoding
    /// undone, the whole message as stored for no part number, or null when there is no such part.
    /// <paramref name="unknownEncoding"/> tells of an encoding this server cannot undo (the client gets UNKNOWN-CTE).
    /// Only a leaf part is decoded (a multipart or an attached message may have no other encoding than identity),
    /// and each once: many paths reach one part ("1", "1.1" … of a single-part body), so what one message holds
    /// decoded is at most its own size.</summary>
    public ReadOnlyMemory<byte>? Binary(IReadOnlyList<int> path, out bool unknownEncoding)
    {
        unknownEncoding = false;
        if (path.Count == 0) return Raw;
        if (PartNumbers.Find(Message, path) is not { } entity || _ranges.Of(entity) is not { } range) return null;
        var (begin, length) = ((int)range.ContentBegin, (int)(range.End - range.ContentBegin));
        if (entity is not MimePart) return Raw.AsMemory(begin, length);
        if (_decoded.TryGetValue(entity, out var done)) return done;
        MimeKit.Encodings.IMimeDecoder? decoder;
        // The mechanism is the field's first word: a comment may follow it.
        switch (entity.Headers[HeaderId.ContentTransferEncoding]?.Trim().Split([' ', '\t', '('], 2)[0].ToLowerInvariant())
        {
            case null or "" or "7bit" or "8bit" or "binary": decoder = null; break;
            case "base64": decoder = new MimeKit.Encodings.Base64Decoder(); break;
            case "quoted-printable": decoder = new MimeKit.Encodings.QuotedPrintableDecoder(); break;
            case "x-uuencode" or "uuencode" or "x-uue": decoder = new MimeKit.Encodings.UUDecoder(); break;
            default:
                unknownEncoding = true;
                return null;
        }
        if (decoder is null) return Raw.AsMemory(begin, length);
        var decoded = new byte[decoder.EstimateOutputLength(length)];
        return _decoded[entity] = decoded.AsMemory(0, decoder.Decode(Raw, begin, length, decoded));
    }

    private readonly Dictionary<MimeEntity, ReadOnlyMemory<byte>> _decoded = new(ReferenceEqualityComparer.Instance);

    /// <summary>The header lines whose names are (or, with <paramref name="exclude"/>, are not) in
    /// <paramref name="names"/>, then the blank line.</summary>
    private static byte[] Fields(ReadOnlySpan<byte> header, IReadOnlyList<string> names, bool exclude)
    {
        var text = Encoding.Latin1.GetString(header);
        var output = new StringBuilder();
        var lines = text.Split("\n");
        var keep = false;
        foreach (var rawLine in lines)
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0) break;
            if (line[0] is ' ' or '\t')
            {
                if (keep) output.Append(line).Append("\r\n");
                continue;
            }
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line[..colon].Trim() : line;
            keep = names.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) != exclude;
            if (keep) output.Append(line).Append("\r\n");
        }
        output.Append("\r\n");
        return Encoding.Latin1.GetBytes(output.ToString());
    }
}
