using System.Text;

namespace OpenMailserver.Server.Messages;

/// <summary>Turns what a user or agent types into an SQLite FTS5 query that cannot be a syntax error:
/// every word becomes a quoted term (so "bob@example.com" or "order-42" match as phrases of their
/// tokens), "quoted phrases" stay phrases, a trailing * keeps a prefix search, and OR and NOT keep their
/// meaning where they stand between terms. Terms are ANDed.</summary>
public static class SearchQuery
{
    public const int MaxTerms = 32;

    /// <returns>The FTS5 expression, or null when the text has nothing to search for.</returns>
    public static string? ToFts5(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = new List<string>();
        string? pendingOperator = null;
        foreach (var (token, quoted) in Tokens(text))
        {
            if (!quoted && token is "OR" or "NOT" or "AND")
            {
                if (parts.Count > 0) pendingOperator = token;
                continue;
            }
            var prefix = !quoted && token.Length > 1 && token.EndsWith('*');
            var term = prefix ? token[..^1] : token;
            term = term.Trim('*');
            if (!term.Any(char.IsLetterOrDigit)) continue;
            if (parts.Count > 0) parts.Add(pendingOperator ?? "AND");
            pendingOperator = null;
            parts.Add("\"" + term.Replace("\"", "\"\"") + "\"" + (prefix ? "*" : ""));
            if (parts.Count >= MaxTerms * 2 - 1) break;
        }
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private static IEnumerable<(string Token, bool Quoted)> Tokens(string text)
    {
        var current = new StringBuilder();
        var inQuotes = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                if (current.Length > 0) yield return (current.ToString(), inQuotes);
                current.Clear();
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && (char.IsWhiteSpace(c) || c is '(' or ')'))
            {
                if (current.Length > 0) yield return (current.ToString(), false);
                current.Clear();
            }
            else current.Append(c);
        }
        if (current.Length > 0) yield return (current.ToString(), inQuotes);
    }
}
