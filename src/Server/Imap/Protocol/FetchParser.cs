namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>Parses the data items of FETCH (RFC 3501 §6.4.5): a macro (ALL, FAST, FULL), one item, or a
/// parenthesised list of items. A list holds at most <c>maxItems</c> items (and a HEADER.FIELDS list as many
/// names), a section path at most <c>maxDepth</c> part numbers: each item can make us send a whole message.</summary>
public static class FetchParser
{
    public static List<FetchItem> Parse(ImapReader reader, int maxItems, int maxDepth)
    {
        var items = new List<FetchItem>();
        if (reader.TryExpect('('))
        {
            items.Add(Item(reader, maxItems, maxDepth));
            while (reader.TrySpace())
            {
                if (items.Count == maxItems) throw new ImapParseException($"FETCH takes at most {maxItems} data items");
                items.Add(Item(reader, maxItems, maxDepth));
            }
            reader.Expect(')');
        }
        else if (reader.TryWord("ALL")) items.AddRange(Macro(FetchKind.Flags, FetchKind.InternalDate, FetchKind.Rfc822Size, FetchKind.Envelope));
        else if (reader.TryWord("FAST")) items.AddRange(Macro(FetchKind.Flags, FetchKind.InternalDate, FetchKind.Rfc822Size));
        else if (reader.TryWord("FULL")) items.AddRange(Macro(FetchKind.Flags, FetchKind.InternalDate, FetchKind.Rfc822Size, FetchKind.Envelope, FetchKind.Body));
        else items.Add(Item(reader, maxItems, maxDepth));
        return items;
    }

    private static IEnumerable<FetchItem> Macro(params FetchKind[] kinds) => kinds.Select(FetchItem.Simple);

    private static FetchItem Item(ImapReader reader, int maxItems, int maxDepth)
    {
        var name = Name(reader);
        switch (name)
        {
            case "FLAGS": return FetchItem.Simple(FetchKind.Flags);
            case "INTERNALDATE": return FetchItem.Simple(FetchKind.InternalDate);
            case "RFC822.SIZE": return FetchItem.Simple(FetchKind.Rfc822Size);
            case "ENVELOPE": return FetchItem.Simple(FetchKind.Envelope);
            case "BODYSTRUCTURE": return FetchItem.Simple(FetchKind.BodyStructure);
            case "UID": return FetchItem.Simple(FetchKind.Uid);
            case "MODSEQ": return FetchItem.Simple(FetchKind.ModSeq);
            case "RFC822": return FetchItem.Simple(FetchKind.Rfc822);
            case "RFC822.HEADER": return FetchItem.Simple(FetchKind.Rfc822Header);
            case "RFC822.TEXT": return FetchItem.Simple(FetchKind.Rfc822Text);
            case "BODY" when reader.Peek() != '[': return FetchItem.Simple(FetchKind.Body);
            case "BODY" or "BODY.PEEK": return Section(reader, peek: name == "BODY.PEEK", maxItems, maxDepth);
            case "BINARY" or "BINARY.PEEK": return BinarySection(reader, FetchKind.Binary, peek: name == "BINARY.PEEK", maxDepth);
            case "BINARY.SIZE": return BinarySection(reader, FetchKind.BinarySize, peek: true, maxDepth);
            default: throw new ImapParseException($"Unknown FETCH data item \"{name}\"");
        }
    }

    private static string Name(ImapReader reader)
    {
        var name = new System.Text.StringBuilder();
        while (!reader.AtEnd && (char.IsAsciiLetterOrDigit(reader.Peek()) || reader.Peek() == '.'))
        {
            // The longest name is HEADER.FIELDS.NOT; a longer one is unknown however it goes on.
            if (name.Length == 32) throw new ImapParseException($"Unknown FETCH data item \"{name}...\"");
            name.Append(char.ToUpperInvariant(reader.Peek()));
            reader.Expect(reader.Peek());
        }
        if (name.Length == 0) throw new ImapParseException("Expected a FETCH data item" + (reader.AtEnd ? "" : $" at \"{reader.Excerpt()}\""));
        return name.ToString();
    }

    private static FetchItem Section(ImapReader reader, bool peek, int maxItems, int maxDepth)
    {
        reader.Expect('[');
        var (path, _) = Path(reader, maxDepth);
        string? specifier = null;
        List<string>? fields = null;
        if (reader.Peek() != ']')
        {
            specifier = Name(reader);
            if (specifier is "HEADER.FIELDS" or "HEADER.FIELDS.NOT")
            {
                reader.Space();
                reader.Expect('(');
                fields = [reader.AString("a header name")];
                while (reader.TrySpace())
                {
                    if (fields.Count == maxItems) throw new ImapParseException($"HEADER.FIELDS takes at most {maxItems} header names");
                    fields.Add(reader.AString("a header name"));
                }
                reader.Expect(')');
            }
            else if (specifier is not ("HEADER" or "TEXT" or "MIME")) throw new ImapParseException($"Unknown section \"{specifier}\"");
            if (specifier == "MIME" && path.Count == 0) throw new ImapParseException("MIME needs a part number, e.g. BODY[1.MIME]");
        }
        reader.Expect(']');

        var (start, length) = Partial(reader);
        var text = string.Join('.', path.Select(p => p.ToString()));
        if (specifier is not null) text += (text.Length > 0 ? "." : "") + specifier;
        if (fields is not null) text += " (" + string.Join(' ', fields.Select(f => f.ToUpperInvariant())) + ")";
        return new FetchItem(FetchKind.Section, path, specifier, fields, peek, start, length, text);
    }

    /// <summary>BINARY[part]&lt;partial&gt; and BINARY.SIZE[part] (RFC 3516 §4.2): part numbers only, no specifier.</summary>
    private static FetchItem BinarySection(ImapReader reader, FetchKind kind, bool peek, int maxDepth)
    {
        reader.Expect('[');
        var (path, dot) = Path(reader, maxDepth);
        if (dot || reader.Peek() != ']') throw new ImapParseException($"{(kind == FetchKind.Binary ? "BINARY" : "BINARY.SIZE")} takes part numbers only, e.g. [1.2]");
        reader.Expect(']');
        var (start, length) = kind == FetchKind.Binary ? Partial(reader) : (null, null);
        return new FetchItem(kind, path, null, null, peek, start, length, string.Join('.', path.Select(p => p.ToString())));
    }

    /// <summary>A section's part numbers, and whether a '.' followed them (before a specifier), read with them.</summary>
    private static (List<int> Path, bool TrailingDot) Path(ImapReader reader, int maxDepth)
    {
        var path = new List<int>();
        while (char.IsAsciiDigit(reader.Peek()))
        {
            var number = reader.Number("a part number");
            if (number is < 1 or > 10_000) throw new ImapParseException("Part numbers start at 1");
            if (path.Count == maxDepth) throw new ImapParseException($"A section path has at most {maxDepth} part numbers");
            path.Add((int)number);
            if (!reader.TryExpect('.')) break;
            if (!char.IsAsciiDigit(reader.Peek())) return (path, true);
        }
        return (path, false);
    }

    private static (long? Start, long? Length) Partial(ImapReader reader)
    {
        if (!reader.TryExpect('<')) return (null, null);
        var start = reader.Number("a partial start");
        reader.Expect('.');
        var length = reader.Number("a partial length");
        if (length == 0) throw new ImapParseException("A partial length must be greater than zero");
        reader.Expect('>');
        return (start, length);
    }
}
