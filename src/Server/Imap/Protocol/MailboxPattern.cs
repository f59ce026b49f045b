namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>A LIST or LSUB pattern (RFC 3501 §6.3.8): '*' matches any characters, '%' any but the hierarchy
/// delimiter. Matched by walking the name once while keeping the set of pattern positions reached, so the
/// cost is at most name length × pattern length whatever the pattern (no backtracking), and runs of
/// wildcards are merged first so a long pattern of them costs no more than one.</summary>
public sealed class MailboxPattern
{
    private readonly string _pattern;
    private readonly int _literals;
    private readonly char _delimiter;

    public MailboxPattern(string pattern, char delimiter)
    {
        _delimiter = delimiter;
        var merged = new System.Text.StringBuilder(pattern.Length);
        foreach (var ch in pattern)
        {
            if (ch is '*' or '%' && merged.Length > 0 && merged[^1] is '*' or '%')
            {
                // "**" and "%%" are one of each; "*%" and "%*" are '*', which matches all that either matches.
                if (ch == '*') merged[^1] = '*';
                continue;
            }
            merged.Append(ch);
        }
        _pattern = merged.ToString();
        _literals = _pattern.Count(ch => ch is not ('*' or '%'));
    }

    public bool Matches(string name, bool ignoreCase = false)
    {
        // Every literal matches one character: a name shorter than them cannot match.
        if (name.Length < _literals) return false;
        var m = _pattern.Length;
        var reached = new bool[m + 1];
        var next = new bool[m + 1];
        reached[0] = true;
        Close(reached);
        foreach (var ch in name)
        {
            Array.Clear(next);
            var any = false;
            for (var j = 0; j < m; j++)
            {
                if (!reached[j]) continue;
                var p = _pattern[j];
                if (p == '*' || (p == '%' && ch != _delimiter)) next[j] = any = true;
                else if (p is not ('*' or '%') && Same(p, ch, ignoreCase)) next[j + 1] = any = true;
            }
            if (!any) return false;
            Close(next);
            (reached, next) = (next, reached);
        }
        return reached[m];
    }

    /// <summary>A wildcard may match nothing, so reaching it also reaches the position after it.</summary>
    private void Close(bool[] reached)
    {
        for (var j = 0; j < _pattern.Length; j++)
            if (reached[j] && _pattern[j] is '*' or '%') reached[j + 1] = true;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
