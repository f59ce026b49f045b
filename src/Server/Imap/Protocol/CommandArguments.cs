namespace OpenMailserver.Server.Imap.Protocol;

// The arguments of each command with more than one, as CommandParser reads them.

public sealed record LoginArguments(string User, string Password);

/// <param name="InitialResponse">SASL-IR's initial response, or null when the client sends it after a continuation.</param>
public sealed record AuthenticateArguments(string Mechanism, string? InitialResponse);

public sealed record RenameArguments(string From, string To);

/// <summary>LIST with RFC 5258's selection and return options, or LSUB (which has neither).</summary>
public sealed record ListArguments(bool Lsub, bool SelectSubscribed, bool SelectSpecialUse, bool RecursiveMatch, string Reference,
    IReadOnlyList<string> Patterns, bool ReturnSubscribed, IReadOnlyList<string> StatusItems);

public sealed record StatusArguments(string Folder, IReadOnlyList<string> Items);

/// <param name="CondStore">The CONDSTORE parameter (RFC 7162 §3.1.8).</param>
/// <param name="QResync">The QRESYNC parameter (RFC 7162 §3.2.5), or null.</param>
public sealed record SelectArguments(string Folder, bool CondStore, QResyncParameters? QResync);

/// <summary>What a client knows of a folder from before: its UIDVALIDITY, the modseq it was told up to, and
/// the UIDs it holds (null: all). Its sequence match data is read and not needed, since every removal is kept.</summary>
public sealed record QResyncParameters(uint UidValidity, long ModSeq, SequenceSet? KnownUids);

/// <param name="Received">The internal date the client gave, or null for now.</param>
/// <summary>APPEND's folder and its messages: one, or several with MULTIAPPEND (RFC 3502).</summary>
public sealed record AppendArguments(string Folder, IReadOnlyList<AppendMessage> Messages);

/// <summary>One message of an APPEND: its flags, its internal date when given, and its bytes.</summary>
public sealed record AppendMessage(IReadOnlyList<string> Flags, DateTimeOffset? Received, ReadOnlyMemory<byte> Content);

public sealed record CopyArguments(SequenceSet Set, string Folder);

/// <param name="Operation">FLAGS, +FLAGS or -FLAGS.</param>
/// <param name="UnchangedSince">CONDSTORE's UNCHANGEDSINCE modifier, or null.</param>
public sealed record StoreArguments(SequenceSet Set, string Operation, bool Silent, IReadOnlyList<string> Flags, long? UnchangedSince);

/// <param name="ChangedSince">CONDSTORE's CHANGEDSINCE modifier, or null.</param>
/// <param name="Vanished">QRESYNC's VANISHED modifier (UID FETCH with CHANGEDSINCE only).</param>
public sealed record FetchArguments(SequenceSet Set, List<FetchItem> Items, long? ChangedSince, bool Vanished);

/// <param name="Return">The RETURN options (RFC 4731 ESEARCH: MIN, MAX, COUNT, ALL; RFC 5182: SAVE), or null
/// without RETURN, for the classic SEARCH response. An empty RETURN () is read as ALL.</param>
/// <param name="UnsupportedCharset">The CHARSET asked for when it is not one we search in.</param>
public sealed record ThreadArguments(bool References, SearchKey Key, string? UnsupportedCharset);

public sealed record SortArguments(IReadOnlyList<SortCriterion> Criteria, SearchKey Key, string? UnsupportedCharset);

public sealed record SearchArguments(IReadOnlySet<string>? Return, SearchKey Key, string? UnsupportedCharset)
{
    public bool Returns(string option) => Return?.Contains(option) == true;

    /// <summary>Whether the answer is an ESEARCH response: RETURN with anything but SAVE alone.</summary>
    public bool Extended => Return?.Any(option => option != "SAVE") == true;
}
