using System.Text;

namespace OpenMailserver.Server.Smtp;

/// <summary>What we look at in an SMTP command line before SmtpServer 11.1 parses it, for the two things its
/// parser gets wrong: a MAIL FROM that repeats a parameter (<c>SIZE=1 SIZE=2</c>) makes it throw and drop
/// the connection without a reply, so it is answered here with 501; and <c>RCPT TO:&lt;postmaster&gt;</c>,
/// which every server must take (RFC 5321 §4.5.1), is a syntax error to it, so it is rewritten to the
/// primary domain's postmaster. A MAIL or RCPT parameter that is not RFC 5321's <c>esmtp-param</c> (a keyword of
/// letters, digits and '-', a value of printable ASCII without '=') is answered with 501 here too: some such
/// lines made the library drop the session without a reply. Socket-free; the line comes without its CRLF.</summary>
public static class CommandLineCheck
{
    /// <summary>RFC 5321 §4.5.3.1.4 allows 512 octets and more with extensions; AUTH PLAIN with the longest
    /// address and password fits four times over. A longer line is refused and the session closed.</summary>
    public const int MaxLength = 2048;

    /// <summary>What to do with a line: pass it on as it is, answer it here (<see cref="Reply"/>, without
    /// passing it on), or pass on <see cref="Rewritten"/> (with its CRLF) instead.</summary>
    public readonly record struct Verdict(string? Reply, byte[]? Rewritten)
    {
        public static Verdict Pass => default;
        public bool IsPass => Reply is null && Rewritten is null;
    }

    public static Verdict Inspect(ReadOnlySpan<byte> line, string postmasterDomain)
    {
        if (IsVerb(line, "MAIL"u8)) return InspectMail(line);
        if (IsVerb(line, "RCPT"u8)) return InspectRcpt(line, postmasterDomain);
        return Verdict.Pass;
    }

    private static Verdict InspectMail(ReadOnlySpan<byte> line)
    {
        var at = SkipBlanks(line, 4);
        if (!StartsWithIgnoreCase(line[at..], "FROM:"u8)) return Verdict.Pass;
        at = SkipBlanks(line, at + 5);
        var end = PathEnd(line, at);
        if (end < 0) return Verdict.Pass;

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in Parameters(line[end..]))
        {
            if (!IsParameter(parameter)) return new Verdict("501 5.5.4 Invalid MAIL FROM parameter\r\n", null);
            var equals = parameter.IndexOf('=');
            var keyword = equals < 0 ? parameter : parameter[..equals];
            if (!seen.Add(keyword))
                return new Verdict($"501 5.5.4 Duplicate MAIL FROM parameter {Printable(keyword)}\r\n", null);
        }
        return Verdict.Pass;
    }

    private static string[] Parameters(ReadOnlySpan<byte> rest) =>
        Encoding.Latin1.GetString(rest).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>RFC 5321 §4.1.2: <c>esmtp-keyword ["=" esmtp-value]</c>.</summary>
    private static bool IsParameter(string parameter)
    {
        var equals = parameter.IndexOf('=');
        var keyword = equals < 0 ? parameter : parameter[..equals];
        if (keyword.Length == 0 || !char.IsAsciiLetterOrDigit(keyword[0]) || !keyword.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
        if (equals < 0) return true;
        var value = parameter[(equals + 1)..];
        return value.Length > 0 && value.All(c => c is >= '!' and <= '~' and not '=');
    }

    private static Verdict InspectRcpt(ReadOnlySpan<byte> line, string postmasterDomain)
    {
        var at = SkipBlanks(line, 4);
        if (!StartsWithIgnoreCase(line[at..], "TO:"u8)) return Verdict.Pass;
        at = SkipBlanks(line, at + 3);
        if (PathEnd(line, at) is var end and >= 0 && !Parameters(line[end..]).All(IsParameter))
            return new Verdict("501 5.5.4 Invalid RCPT TO parameter\r\n", null);
        var rest = line[at..];
        if (!StartsWithIgnoreCase(rest, "<postmaster>"u8)) return Verdict.Pass;
        var after = at + "<postmaster>".Length;
        if (after < line.Length && line[after] is not ((byte)' ' or (byte)'\t')) return Verdict.Pass;

        var path = Encoding.ASCII.GetBytes($"<postmaster@{postmasterDomain}>");
        var rewritten = new byte[at + path.Length + (line.Length - after) + 2];
        line[..at].CopyTo(rewritten);
        path.CopyTo(rewritten, at);
        line[after..].CopyTo(rewritten.AsSpan(at + path.Length));
        rewritten[^2] = (byte)'\r';
        rewritten[^1] = (byte)'\n';
        return new Verdict(null, rewritten);
    }

    /// <summary>The index just past the path's closing '&gt;', honouring quoted local parts; -1 if there is none.</summary>
    private static int PathEnd(ReadOnlySpan<byte> line, int start)
    {
        if (start >= line.Length || line[start] != '<') return -1;
        var quoted = false;
        for (var i = start + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (c == '>' && !quoted) return i + 1;
        }
        return -1;
    }

    private static bool IsVerb(ReadOnlySpan<byte> line, ReadOnlySpan<byte> verb) =>
        StartsWithIgnoreCase(line, verb) && (line.Length == verb.Length || line[verb.Length] is (byte)' ' or (byte)'\t');

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
    {
        if (text.Length < prefix.Length) return false;
        for (var i = 0; i < prefix.Length; i++)
            if (char.ToUpperInvariant((char)text[i]) != char.ToUpperInvariant((char)prefix[i])) return false;
        return true;
    }

    private static int SkipBlanks(ReadOnlySpan<byte> line, int at)
    {
        while (at < line.Length && line[at] is (byte)' ' or (byte)'\t') at++;
        return at;
    }

    /// <summary>The client's word, cut to what can stand in a reply line.</summary>
    private static string Printable(string keyword)
    {
        var printable = new string(keyword.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(32).ToArray());
        return printable.Length > 0 ? printable : "(unprintable)";
    }
}
