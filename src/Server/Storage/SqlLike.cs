namespace OpenMailserver.Server.Storage;

/// <summary>Patterns for SQLite's LIKE (case-insensitive for ASCII), used with <c>ESCAPE '\'</c>.</summary>
public static class SqlLike
{
    /// <summary>Matches values containing <paramref name="value"/>, its wildcards taken literally; null for none.</summary>
    public static string? Contains(string? value) =>
        string.IsNullOrEmpty(value) ? null : "%" + value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
