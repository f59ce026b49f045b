namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>folders</c>. UIDs in a folder only grow; <see cref="UidNext"/> is the next to assign;
/// <see cref="HighestModSeq"/> rises with every change in the folder; messages from <see cref="FirstRecentUid"/>
/// on are \Recent for the next session that selects the folder. The counts and size are kept with every change
/// (migration 0012), so reading them costs the same in a folder of ten messages or of a million.</summary>
public sealed record FolderRecord(long Id, long MailboxId, string Name, string? SpecialUse, long UidValidity, long UidNext, long HighestModSeq,
    long FirstRecentUid, long MessageCount, long UnseenCount, long TotalSize);
