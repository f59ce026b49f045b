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

/// <param name="Received">The internal date the client gave, or null for now.</param>
public sealed record AppendArguments(string Folder, IReadOnlyList<string> Flags, DateTimeOffset? Received, ReadOnlyMemory<byte> Content);

public sealed record CopyArguments(SequenceSet Set, string Folder);

/// <param name="Operation">FLAGS, +FLAGS or -FLAGS.</param>
public sealed record StoreArguments(SequenceSet Set, string Operation, bool Silent, IReadOnlyList<string> Flags);

public sealed record FetchArguments(SequenceSet Set, List<FetchItem> Items);

/// <param name="Save">RETURN (SAVE): keep the result for '$' instead of sending it.</param>
/// <param name="UnsupportedCharset">The CHARSET asked for when it is not one we search in.</param>
public sealed record SearchArguments(bool Save, SearchKey Key, string? UnsupportedCharset);
