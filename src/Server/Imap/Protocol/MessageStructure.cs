using System.Text;
using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>A stored message as IMAP sees it: the raw bytes, the MIME tree parsed by MimeKit, and for each
/// entity the byte ranges of its header and body in the raw message, so that BODY[section] returns the
/// exact stored bytes and sizes add up (RFC 3501 §6.4.5, §7.4.2).</summary>
public sealed class MessageStructure
{
    private sealed record Range(long Begin, long HeadersEnd, long ContentBegin, long End, int Lines);

    private readonly Dictionary<MimeEntity, Range> _entities = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MimeMessage, Range> _messages = new(ReferenceEqualityComparer.Instance);

    private MessageStructure(byte[] raw) => Raw = raw;

    public byte[] Raw { get; }

    public MimeMessage Message { get; private set; } = null!;

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
        long At(long offset) => Math.Max(0, offset - shift);
        using var stream = new MemoryStream(parsed, writable: false);
        var parser = new MimeParser(stream, MimeFormat.Entity, persistent: false);
        parser.MimeEntityBegin += (_, e) => structure._begins[e.Entity] = At(e.BeginOffset);
        parser.MimeMessageBegin += (_, e) => structure._begins[e.Message] = At(e.BeginOffset);
        parser.MimeEntityEnd += (_, e) => structure._entities[e.Entity] = structure.RangeOf(structure._begins[e.Entity], At(e.HeadersEndOffset), At(e.EndOffset), e.Lines);
        parser.MimeMessageEnd += (_, e) => structure._messages[e.Message] = structure.RangeOf(structure._begins[e.Message], At(e.HeadersEndOffset), At(e.EndOffset), 0);
        structure.Message = parser.ParseMessage();
        return structure;
    }

    private readonly Dictionary<object, long> _begins = new(ReferenceEqualityComparer.Instance);

    private Range RangeOf(long begin, long headersEnd, long end, int lines)
    {
        var contentBegin = headersEnd;
        if (contentBegin < Raw.Length && Raw[contentBegin] == '\r' && contentBegin + 1 < Raw.Length && Raw[contentBegin + 1] == '\n') contentBegin += 2;
        else if (contentBegin < Raw.Length && Raw[contentBegin] == '\n') contentBegin += 1;
        // Hostile MIME can give offsets out of order (an entity ending inside its own header's line end):
        // every range is kept within the message and in order, so a section is never read out of bounds.
        var stop = Math.Clamp(end, 0, Raw.Length);
        var start = Math.Clamp(begin, 0, stop);
        var headers = Math.Clamp(headersEnd, start, stop);
        return new Range(start, headers, Math.Clamp(contentBegin, headers, stop), stop, lines);
    }

    /// <summary>The header block of the top-level message, blank line included.</summary>
    public ReadOnlyMemory<byte> Header => Raw.AsMemory(0, (int)_messages[Message].ContentBegin);

    /// <summary>The body of the top-level message (everything after the header block).</summary>
    public ReadOnlyMemory<byte> Text => Raw.AsMemory((int)_messages[Message].ContentBegin);

    /// <summary>The bytes of a BODY[section]: the part's content, or null when there is no such part.
    /// Slices of the stored message, not copies, so a FETCH of many sections costs no memory per section.</summary>
    public ReadOnlyMemory<byte>? Section(IReadOnlyList<int> path, string? specifier, IReadOnlyList<string>? fields)
    {
        MimeEntity? entity = null;
        foreach (var index in path)
        {
            // The children of a message/rfc822 part are those of the message it holds.
            var body = entity switch
            {
                null => Message.Body,
                MessagePart part => part.Message?.Body,
                _ => entity,
            };
            if (body is Multipart multipart)
            {
                if (index < 1 || index > multipart.Count) return null;
                entity = multipart[index - 1];
            }
            else if (index == 1 && body is not null) entity = body;
            else return null;
        }

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

        if (!_entities.TryGetValue(entity, out var range)) return null;
        switch (specifier)
        {
            case null:
                return Raw.AsMemory((int)range.ContentBegin, (int)(range.End - range.ContentBegin));
            case "MIME":
                return Raw.AsMemory((int)range.Begin, (int)(range.ContentBegin - range.Begin));
        }
        // HEADER and TEXT of a part are those of the message it holds (message/rfc822).
        if (entity is not MessagePart { Message: { } nested } || !_messages.TryGetValue(nested, out var nestedRange)) return null;
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

    /// <summary>BODYSTRUCTURE (with extension data) or BODY (without). Multiparts and message/rfc822 parts
    /// nested deeper than <paramref name="maxDepth"/> are shown as opaque application/octet-stream parts, so
    /// a hostile message cannot make the recursion (or the response) as deep as it likes.</summary>
    public void WriteBodyStructure(ImapResponse r, bool extended, int maxDepth) => WriteEntity(r, Message.Body, extended, maxDepth);

    private void WriteEntity(ImapResponse r, MimeEntity? entity, bool extended, int depthLeft)
    {
        if (entity is null)
        {
            r.Raw("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
            return;
        }
        _entities.TryGetValue(entity, out var range);
        var size = range is null ? 0 : range.End - range.ContentBegin;
        if (depthLeft <= 0 && (entity is Multipart || entity is MessagePart))
        {
            r.Raw("(\"application\" \"octet-stream\" NIL NIL NIL \"7bit\" ").Number(size).Raw(extended ? " NIL NIL NIL NIL)" : ")");
            return;
        }
        if (entity is Multipart multipart)
        {
            r.Raw("(");
            if (multipart.Count == 0) r.Raw("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
            foreach (var child in multipart) WriteEntity(r, child, extended, depthLeft - 1);
            r.Space().String(multipart.ContentType.MediaSubtype.ToLowerInvariant());
            if (extended)
            {
                r.Space();
                Parameters(r, multipart.ContentType.Parameters);
                r.Space();
                Disposition(r, multipart.ContentDisposition);
                r.Raw(" NIL NIL");
            }
            r.Raw(")");
            return;
        }

        var type = entity.ContentType;
        r.Raw("(").String(type.MediaType.ToLowerInvariant()).Space().String(type.MediaSubtype.ToLowerInvariant()).Space();
        Parameters(r, type.Parameters);
        r.Space().NString(entity.ContentId is null ? null : "<" + entity.ContentId + ">");
        r.Space().NString(entity.Headers[HeaderId.ContentDescription]);
        var encoding = entity.Headers[HeaderId.ContentTransferEncoding]?.Trim().ToLowerInvariant() ?? "7bit";
        r.Space().String(encoding).Space().Number(size);
        if (entity is MessagePart { Message: { } inner } && type.IsMimeType("message", "rfc822"))
        {
            r.Space();
            WriteEnvelope(r, inner);
            r.Space();
            WriteEntity(r, inner.Body, extended, depthLeft - 1);
            r.Space().Number(range?.Lines ?? 0);
        }
        else if (type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            r.Space().Number(range?.Lines ?? 0);
        }
        if (extended)
        {
            r.Space().NString(entity.Headers[HeaderId.ContentMd5]).Space();
            Disposition(r, entity.ContentDisposition);
            r.Space().NString(entity.Headers[HeaderId.ContentLanguage]).Space().NString(entity.Headers[HeaderId.ContentLocation]);
        }
        r.Raw(")");
    }

    private static void Parameters(ImapResponse r, ParameterList parameters)
    {
        if (parameters.Count == 0)
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(");
        var first = true;
        foreach (var parameter in parameters)
        {
            if (!first) r.Space();
            first = false;
            r.String(parameter.Name.ToLowerInvariant()).Space().String(parameter.Value);
        }
        r.Raw(")");
    }

    private static void Disposition(ImapResponse r, ContentDisposition? disposition)
    {
        if (disposition is null)
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(").String(disposition.Disposition.ToLowerInvariant()).Space();
        Parameters(r, disposition.Parameters);
        r.Raw(")");
    }

    private static void WriteEnvelope(ImapResponse r, MimeMessage m) => WriteEnvelope(r, m.Headers);

    /// <summary>ENVELOPE (RFC 3501 §7.4.2) from a header block alone: values as they are written (encoded
    /// words left for the client), addresses taken apart; Sender and Reply-To default to From.</summary>
    public static void WriteEnvelope(ImapResponse r, HeaderList h)
    {
        r.Raw("(").NString(RawHeader(h, HeaderId.Date)).Space().NString(RawHeader(h, HeaderId.Subject)).Space();
        var from = AddressHeader(h, HeaderId.From);
        Addresses(r, from);
        r.Space();
        Addresses(r, AddressHeader(h, HeaderId.Sender) ?? from);
        r.Space();
        Addresses(r, AddressHeader(h, HeaderId.ReplyTo) ?? from);
        r.Space();
        Addresses(r, AddressHeader(h, HeaderId.To));
        r.Space();
        Addresses(r, AddressHeader(h, HeaderId.Cc));
        r.Space();
        Addresses(r, AddressHeader(h, HeaderId.Bcc));
        r.Space().NString(RawHeader(h, HeaderId.InReplyTo)).Space().NString(RawHeader(h, HeaderId.MessageId)).Raw(")");
    }

    private static InternetAddressList? AddressHeader(HeaderList h, HeaderId id)
    {
        var index = h.IndexOf(id);
        if (index < 0) return null;
        return InternetAddressList.TryParse(ParserOptions.Default, h[index].RawValue, out var list) && list.Count > 0 ? list : null;
    }

    /// <summary>A header's value as written, unfolded.</summary>
    private static string? RawHeader(HeaderList h, HeaderId id)
    {
        var index = h.IndexOf(id);
        if (index < 0) return null;
        var raw = Encoding.UTF8.GetString(h[index].RawValue);
        return raw.Replace("\r\n", "").Replace("\n", "").Trim();
    }

    private static void Addresses(ImapResponse r, InternetAddressList? list)
    {
        var mailboxes = list?.ToList() ?? [];
        if (mailboxes.Count == 0)
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(");
        foreach (var address in mailboxes) Address(r, address);
        r.Raw(")");
    }

    private static void Address(ImapResponse r, InternetAddress address)
    {
        if (address is GroupAddress group)
        {
            r.Raw("(NIL NIL ").NString(EncodedName(group.Name)).Raw(" NIL)");
            foreach (var member in group.Members) Address(r, member);
            r.Raw("(NIL NIL NIL NIL)");
            return;
        }
        if (address is not MailboxAddress mailbox) return;
        var at = mailbox.Address.LastIndexOf('@');
        var local = at < 0 ? mailbox.Address : mailbox.Address[..at];
        var domain = at < 0 ? null : mailbox.Address[(at + 1)..];
        // The source route (obsolete, but still parsed) is the adl field: "@a,@b" (RFC 3501 §9 address).
        var route = mailbox.Route.Count > 0 ? mailbox.Route.ToString() : null;
        r.Raw("(").NString(EncodedName(mailbox.Name)).Space().NString(route).Space().NString(local).Space().NString(domain).Raw(")");
    }

    private static string? EncodedName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        return name.All(c => c is >= ' ' and <= '~') ? name : Rfc2047.EncodePhrase(Encoding.UTF8, name).Length > 0
            ? Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name))
            : name;
    }
}
