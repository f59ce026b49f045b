using System.Text;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>Reads the arguments of one complete IMAP command (RFC 3501 §9 grammar), literals already
/// inlined by the session. Each command parses its own arguments with these primitives, so the grammar
/// of a command lives with the command. Works on bytes: literals may hold anything. Reads the first
/// <paramref name="length"/> bytes of <paramref name="data"/> (all of it when negative), so the session can
/// hand over its receive buffer without copying a large APPEND.</summary>
public sealed class ImapReader(byte[] data, int position = 0, int length = -1)
{
    private readonly int _length = length < 0 ? data.Length : length;
    private int _position = position;

    /// <summary>Folder names arrive as UTF-8, as sent, not in modified UTF-7 (after ENABLE IMAP4rev2, RFC 9051 §5.1).</summary>
    public bool Utf8Names { get; init; }

    /// <summary>A folder name or pattern as the client sent it, decoded from modified UTF-7 unless <see cref="Utf8Names"/>.</summary>
    public string FolderText(string sent) => Utf8Names ? sent : ModifiedUtf7.Decode(sent);

    public bool AtEnd => _position >= _length;

    public int Position => _position;

    public char Peek() => AtEnd ? '\0' : (char)data[_position];

    public void Space()
    {
        if (Peek() != ' ') throw new ImapParseException("Expected a space" + Where());
        _position++;
    }

    public bool TrySpace()
    {
        if (Peek() != ' ') return false;
        _position++;
        return true;
    }

    public void Expect(char c)
    {
        if (Peek() != c) throw new ImapParseException($"Expected '{c}'{Where()}");
        _position++;
    }

    public bool TryExpect(char c)
    {
        if (Peek() != c) return false;
        _position++;
        return true;
    }

    public void End()
    {
        if (!AtEnd) throw new ImapParseException("Unexpected extra arguments" + Where());
    }

    /// <summary>An atom: one or more characters that are not specials (RFC 3501 ATOM-CHAR).</summary>
    public string Atom(string? what = null) => Chars(IsAtomChar, what ?? "an atom");

    /// <summary>An atom that may also hold ']' (RFC 3501 ASTRING-CHAR), for astrings and flags.</summary>
    private string AStringAtom(string what) => Chars(c => IsAtomChar(c) || c == ']', what);

    public long Number(string what = "a number")
    {
        var text = Chars(char.IsAsciiDigit, what);
        if (text.Length > 10 || !long.TryParse(text, out var value)) throw new ImapParseException($"{what} is out of range");
        return value;
    }

    /// <summary>A mod-sequence value (RFC 7162): 0 to 2^63 - 1.</summary>
    public long ModSeq(string what = "a mod-sequence")
    {
        var text = Chars(char.IsAsciiDigit, what);
        if (text.Length > 19 || !long.TryParse(text, out var value)) throw new ImapParseException($"{what} is out of range");
        return value;
    }

    /// <summary>An unsigned 32-bit number greater than zero (nz-number).</summary>
    public uint NzNumber(string what = "a number")
    {
        var value = Number(what);
        if (value is < 1 or > uint.MaxValue) throw new ImapParseException($"{what} must be between 1 and {uint.MaxValue}");
        return (uint)value;
    }

    /// <summary>An astring. '~' starts a literal8 only before '{' (RFC 3516); otherwise it is an atom
    /// character, as in the folder name <c>~archive</c>.</summary>
    public string AString(string what = "a string") => Peek() is '"' or '{' || StartsLiteral8() ? String(what) : AStringAtom(what);

    private bool StartsLiteral8() => Peek() == '~' && _position + 1 < _length && data[_position + 1] == '{';

    public string String(string what = "a string") => Encoding.UTF8.GetString(StringMemory(what).Span);

    /// <summary>A quoted string or a literal; a literal as a slice of the command, so an APPEND's message
    /// is not copied again.</summary>
    public ReadOnlyMemory<byte> StringMemory(string what = "a string")
    {
        if (Peek() == '"') return Quoted();
        if (StartsLiteral8()) _position++; // literal8 (RFC 3516): same framing.
        if (Peek() == '{') return Literal();
        throw new ImapParseException($"Expected {what} (quoted or literal){Where()}");
    }

    public string? NString(string what = "a string")
    {
        if (TryWord("NIL")) return null;
        return String(what);
    }

    /// <summary>Consumes <paramref name="word"/> (case-insensitive) when it comes next as a whole atom.</summary>
    public bool TryWord(string word)
    {
        if (_position + word.Length > _length) return false;
        for (var i = 0; i < word.Length; i++)
            if (char.ToUpperInvariant((char)data[_position + i]) != word[i]) return false;
        var after = _position + word.Length;
        if (after < _length && IsAtomChar((char)data[after])) return false;
        _position = after;
        return true;
    }

    /// <summary>An unquoted LIST pattern (list-mailbox): atom characters and the wildcards '%' and '*'.</summary>
    public string ListPatternAtom() => Chars(c => IsAtomChar(c) || c is '%' or '*' or ']', "a folder pattern");

    /// <summary>Longest keyword stored (Dovecot's mail_max_keyword_length is 50): flags are kept with every
    /// message and repeated in every FETCH FLAGS, so their size is bounded like any input.</summary>
    public const int MaxFlagLength = 64;

    /// <summary>Most flags in one flag list (STORE, APPEND).</summary>
    public const int MaxFlagsPerList = 64;

    /// <summary>A flag: <c>\Word</c> or a keyword atom.</summary>
    public string Flag()
    {
        var system = TryExpect('\\');
        var flag = system ? "\\" + Atom("a flag name") : Atom("a flag");
        if (flag.Length > MaxFlagLength) throw new ImapParseException($"A flag has at most {MaxFlagLength} characters");
        return flag;
    }

    /// <summary>A parenthesised list of flags, or a single flag without parentheses.</summary>
    public List<string> FlagList()
    {
        var flags = new List<string>();
        var parenthesised = TryExpect('(');
        if (parenthesised && TryExpect(')')) return flags;
        flags.Add(Flag());
        while (TrySpace())
        {
            if (flags.Count == MaxFlagsPerList) throw new ImapParseException($"A flag list holds at most {MaxFlagsPerList} flags");
            flags.Add(Flag());
        }
        if (parenthesised) Expect(')');
        return flags;
    }

    /// <summary>A sequence set as written (digits, '*', ':' and ','), parsed by <see cref="SequenceSet"/>.</summary>
    public SequenceSet SequenceSet() => Protocol.SequenceSet.Parse(Chars(c => char.IsAsciiDigit(c) || c is '*' or ':' or ',' or '$', "a sequence set"));

    /// <summary>The start of the rest of the command, for error messages: short, however long the command.</summary>
    public string Excerpt()
    {
        var text = Encoding.UTF8.GetString(data, _position, Math.Min(_length - _position, 31));
        return text.Length <= 30 ? text : text[..30] + "...";
    }

    private byte[] Quoted()
    {
        _position++;
        var bytes = new List<byte>();
        while (true)
        {
            if (AtEnd) throw new ImapParseException("Unterminated quoted string");
            var b = data[_position++];
            if (b == '"') return [.. bytes];
            if (b is (byte)'\r' or (byte)'\n' or 0) throw new ImapParseException("A quoted string cannot hold CR, LF or NUL; use a literal");
            if (b == '\\')
            {
                if (AtEnd) throw new ImapParseException("Unterminated quoted string");
                b = data[_position++];
                if (b is not ((byte)'"' or (byte)'\\')) throw new ImapParseException("Only \\\" and \\\\ may be escaped in a quoted string");
            }
            bytes.Add(b);
        }
    }

    /// <summary>A literal as the session inlined it: <c>{n}</c> (or <c>{n+}</c>) CRLF, then n bytes.</summary>
    private ReadOnlyMemory<byte> Literal()
    {
        _position++;
        var length = Number("a literal length");
        TryExpect('+');
        Expect('}');
        if (_position + 2 > _length || data[_position] != '\r' || data[_position + 1] != '\n')
            throw new ImapParseException("A literal's length must be followed by CRLF");
        _position += 2;
        if (_position + length > _length) throw new ImapParseException("The literal is shorter than announced");
        var bytes = data.AsMemory(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    private string Chars(Func<char, bool> allowed, string what)
    {
        var start = _position;
        while (!AtEnd && allowed((char)data[_position])) _position++;
        if (_position == start) throw new ImapParseException($"Expected {what}{Where()}");
        return Encoding.UTF8.GetString(data, start, _position - start);
    }

    private string Where() => AtEnd ? " at the end of the command" : $" at \"{Excerpt()}\"";

    /// <summary>ATOM-CHAR: any CHAR except atom-specials: ( ) { SP CTL % * " \ ] — bytes above 127 are
    /// accepted as UTF-8 (RFC 6855 relaxes the grammar the same way).</summary>
    public static bool IsAtomChar(char c) => c > ' ' && c != 127 && c is not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']');
}
