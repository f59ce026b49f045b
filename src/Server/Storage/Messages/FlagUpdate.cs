namespace OpenMailserver.Server.Storage;

/// <summary>What a flag change found: every message it reached (those still in the folder) as stored after it,
/// in UID order, and those of them whose flags it actually changed.</summary>
public sealed record FlagUpdate(IReadOnlyList<MessageEntry> Entries, IReadOnlyList<MessageEntry> Changed);
