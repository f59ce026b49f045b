namespace OpenMailserver.Server.Storage;

/// <summary>What a flag change found: every message it reached (those still in the folder) as stored after it,
/// in UID order, those of them whose flags it actually changed, and those it left as they were because they changed
/// after the change's <see cref="FlagChange.UnchangedSince"/> (RFC 7162 §3.1.3).</summary>
public sealed record FlagUpdate(IReadOnlyList<MessageEntry> Entries, IReadOnlyList<MessageEntry> Changed, IReadOnlyList<MessageEntry> Modified);
