namespace OpenMailserver.Server.Storage;

/// <summary>Flags as stored: space-separated, system flags in their canonical case (\Seen), keywords as
/// given. Matching is case-insensitive (RFC 3501 §2.3.2).</summary>
public static class MessageFlags
{
    public const string Seen = "\\Seen";
    public const string Answered = "\\Answered";
    public const string Flagged = "\\Flagged";
    public const string Deleted = "\\Deleted";
    public const string Draft = "\\Draft";

    /// <summary>Never stored: a session-only flag (RFC 3501 §2.3.2) that IMAP adds to what one session sees.</summary>
    public const string Recent = "\\Recent";

    public static readonly IReadOnlyList<string> System = [Answered, Flagged, Deleted, Seen, Draft];

    public static IReadOnlySet<string> Parse(string flags) =>
        new HashSet<string>(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);

    /// <summary>The stored flags in their stored (canonical) order.</summary>
    public static string[] List(string flags) => flags.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The canonical spelling of a flag, or null when it is not one a client may set (\Recent,
    /// unknown system flags).</summary>
    public static string? Canonical(string flag)
    {
        if (!flag.StartsWith('\\')) return flag;
        return System.FirstOrDefault(f => f.Equals(flag, StringComparison.OrdinalIgnoreCase));
    }

    public static string Format(IEnumerable<string> flags) =>
        string.Join(' ', flags.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(f => f.StartsWith('\\') ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal));
}
