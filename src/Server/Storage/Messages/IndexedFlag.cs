namespace OpenMailserver.Server.Storage;

/// <summary>The flag states kept in an index of their own (migration 0012), each the rare case in a mailbox kept
/// for years: finding them costs the matches, not the folder.</summary>
public enum IndexedFlag { Unseen, Flagged, Deleted }
