using System.Globalization;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>Parses SEARCH criteria (RFC 3501 §6.4.4) into a <see cref="SearchKey"/>: every key of the RFC,
/// OR and NOT, parenthesised groups, and sequence or UID sets. Groups, NOT and OR nest at most
/// <c>maxDepth</c> levels, so a hostile command cannot run the recursion off the stack.</summary>
public static class SearchParser
{
    /// <summary>Parses <c>[CHARSET x] key *(SP key)</c>; only UTF-8 and US-ASCII are supported.</summary>
    public static SearchKey Parse(ImapReader reader, int maxDepth, out string? unsupportedCharset)
    {
        unsupportedCharset = null;
        if (reader.TryWord("CHARSET"))
        {
            reader.Space();
            unsupportedCharset = Charset(reader);
            reader.Space();
        }
        return Criteria(reader, maxDepth);
    }

    /// <summary>A charset argument (SEARCH's after CHARSET, SORT's and THREAD's in place): null when supported, else its name.</summary>
    public static string? Charset(ImapReader reader)
    {
        var charset = reader.AString("a charset");
        return charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase) ? null : charset;
    }

    /// <summary>Parses <c>key *(SP key)</c> to the end of the command.</summary>
    public static SearchKey Criteria(ImapReader reader, int maxDepth)
    {
        var keys = new List<SearchKey> { Key(reader, 0, maxDepth) };
        while (reader.TrySpace()) keys.Add(Key(reader, 0, maxDepth));
        reader.End();
        var key = keys.Count == 1 ? keys[0] : new SearchKey.And(keys);
        var count = 0;
        Bound(key, ref count);
        return key;
    }

    /// <summary>Most keys in one SEARCH: every key is evaluated against every message of the folder.</summary>
    public const int MaxKeys = 1000;

    /// <summary>Longest string a key searches for: each is looked for in every message's text.</summary>
    public const int MaxStringLength = 1024;

    /// <summary>Holds the criteria to <see cref="MaxKeys"/> and <see cref="MaxStringLength"/> (the tree is
    /// already no deeper than the nesting bound, so this walk is too).</summary>
    private static void Bound(SearchKey key, ref int count)
    {
        if (++count > MaxKeys) throw new ImapParseException($"SEARCH takes at most {MaxKeys} keys");
        switch (key)
        {
            case SearchKey.Not not: Bound(not.Key, ref count); break;
            case SearchKey.Or or: Bound(or.Left, ref count); Bound(or.Right, ref count); break;
            case SearchKey.And and:
                foreach (var inner in and.Keys) Bound(inner, ref count);
                break;
            case SearchKey.Header { Value.Length: > MaxStringLength } or SearchKey.Text { Value.Length: > MaxStringLength }:
                throw new ImapParseException($"A SEARCH string has at most {MaxStringLength} characters");
        }
    }

    private static SearchKey Key(ImapReader reader, int depth, int maxDepth)
    {
        if (reader.TryExpect('('))
        {
            var inner = Deeper(depth, maxDepth);
            var keys = new List<SearchKey> { Key(reader, inner, maxDepth) };
            while (reader.TrySpace()) keys.Add(Key(reader, inner, maxDepth));
            reader.Expect(')');
            return keys.Count == 1 ? keys[0] : new SearchKey.And(keys);
        }
        if (char.IsAsciiDigit(reader.Peek()) || reader.Peek() is '*' or '$') return new SearchKey.Sequence(reader.SequenceSet(), ByUid: false);

        var word = reader.Atom("a search key").ToUpperInvariant();
        switch (word)
        {
            case "ALL": return new SearchKey.All();
            case "ANSWERED": return new SearchKey.HasFlag("\\Answered", true);
            case "UNANSWERED": return new SearchKey.HasFlag("\\Answered", false);
            case "DELETED": return new SearchKey.HasFlag("\\Deleted", true);
            case "UNDELETED": return new SearchKey.HasFlag("\\Deleted", false);
            case "DRAFT": return new SearchKey.HasFlag("\\Draft", true);
            case "UNDRAFT": return new SearchKey.HasFlag("\\Draft", false);
            case "FLAGGED": return new SearchKey.HasFlag("\\Flagged", true);
            case "UNFLAGGED": return new SearchKey.HasFlag("\\Flagged", false);
            case "SEEN": return new SearchKey.HasFlag("\\Seen", true);
            case "UNSEEN": return new SearchKey.HasFlag("\\Seen", false);
            case "RECENT": return new SearchKey.HasFlag("\\Recent", true);
            case "NEW": return new SearchKey.And([new SearchKey.HasFlag("\\Recent", true), new SearchKey.HasFlag("\\Seen", false)]);
            case "OLD": return new SearchKey.HasFlag("\\Recent", false);
            case "KEYWORD": reader.Space(); return new SearchKey.HasFlag(reader.Atom("a keyword"), true);
            case "UNKEYWORD": reader.Space(); return new SearchKey.HasFlag(reader.Atom("a keyword"), false);
            case "BCC" or "CC" or "FROM" or "TO" or "SUBJECT":
                reader.Space();
                return new SearchKey.Header(word[0] + word[1..].ToLowerInvariant(), reader.AString());
            case "HEADER":
                reader.Space();
                var field = reader.AString("a header name");
                reader.Space();
                return new SearchKey.Header(field, reader.AString());
            case "BODY": reader.Space(); return new SearchKey.Text(reader.AString(), IncludeHeaders: false);
            case "TEXT": reader.Space(); return new SearchKey.Text(reader.AString(), IncludeHeaders: true);
            case "LARGER": reader.Space(); return new SearchKey.Size(true, reader.Number("a size"));
            case "SMALLER": reader.Space(); return new SearchKey.Size(false, reader.Number("a size"));
            case "BEFORE": return Date(reader, SearchKey.DateRelation.Before, sent: false);
            case "ON": return Date(reader, SearchKey.DateRelation.On, sent: false);
            case "SINCE": return Date(reader, SearchKey.DateRelation.Since, sent: false);
            case "SENTBEFORE": return Date(reader, SearchKey.DateRelation.Before, sent: true);
            case "SENTON": return Date(reader, SearchKey.DateRelation.On, sent: true);
            case "SENTSINCE": return Date(reader, SearchKey.DateRelation.Since, sent: true);
            case "UID": reader.Space(); return new SearchKey.Sequence(reader.SequenceSet(), ByUid: true);
            case "MODSEQ": return ModSeq(reader);
            case "NOT": reader.Space(); return new SearchKey.Not(Key(reader, Deeper(depth, maxDepth), maxDepth));
            case "OR":
                reader.Space();
                var operands = Deeper(depth, maxDepth);
                var left = Key(reader, operands, maxDepth);
                reader.Space();
                return new SearchKey.Or(left, Key(reader, operands, maxDepth));
            default: throw new ImapParseException($"Unknown search key \"{word}\"");
        }
    }

    private static int Deeper(int depth, int maxDepth) => depth < maxDepth
        ? depth + 1
        : throw new ImapParseException($"Search criteria nest more than {maxDepth} levels deep (parentheses, NOT and OR)");

    /// <summary>MODSEQ [entry-name entry-type] mod-sequence (RFC 7162 §3.1.5). Flags share one modseq here, so
    /// the entry named (a flag, and priv, shared or all) changes nothing.</summary>
    private static SearchKey ModSeq(ImapReader reader)
    {
        reader.Space();
        if (reader.Peek() == '"')
        {
            var entry = reader.String("an entry name");
            if (!entry.StartsWith("/flags/", StringComparison.OrdinalIgnoreCase) || entry.Length > 7 + ImapReader.MaxFlagLength)
                throw new ImapParseException("A MODSEQ entry name is /flags/ and a flag");
            reader.Space();
            if (reader.Atom("priv, shared or all").ToLowerInvariant() is not ("priv" or "shared" or "all"))
                throw new ImapParseException("A MODSEQ entry type is priv, shared or all");
            reader.Space();
        }
        return new SearchKey.ModSeq(reader.ModSeq());
    }

    private static SearchKey Date(ImapReader reader, SearchKey.DateRelation relation, bool sent)
    {
        reader.Space();
        var quoted = reader.TryExpect('"');
        var text = reader.Atom("a date such as 1-Feb-2026");
        if (quoted) reader.Expect('"');
        if (!DateOnly.TryParseExact(text, ["d-MMM-yyyy", "dd-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw new ImapParseException($"\"{text}\" is not a date such as 1-Feb-2026");
        return new SearchKey.Date(relation, day, sent);
    }
}
