namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>What SORT orders by (RFC 5256 §3, and SORT=DISPLAY's two, RFC 5957).</summary>
public enum SortKey { Arrival, Cc, Date, From, Size, Subject, To, DisplayFrom, DisplayTo }

/// <summary>One key of a SORT, with REVERSE before it or not.</summary>
public sealed record SortCriterion(SortKey Key, bool Reverse)
{
    /// <summary>Every key is compared for every pair of matches: a few suffice (there are nine keys).</summary>
    public const int MaxCriteria = 20;

    /// <summary>The keys by their names in the grammar.</summary>
    public static readonly IReadOnlyDictionary<string, SortKey> Keys = new Dictionary<string, SortKey>(StringComparer.Ordinal)
    {
        ["ARRIVAL"] = SortKey.Arrival, ["CC"] = SortKey.Cc, ["DATE"] = SortKey.Date, ["FROM"] = SortKey.From, ["SIZE"] = SortKey.Size,
        ["SUBJECT"] = SortKey.Subject, ["TO"] = SortKey.To, ["DISPLAYFROM"] = SortKey.DisplayFrom, ["DISPLAYTO"] = SortKey.DisplayTo,
    };
}
