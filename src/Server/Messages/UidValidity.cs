namespace OpenMailserver.Server.Messages;

/// <summary>The smallest IMAP UIDVALIDITY for a new folder: seconds since the epoch. The store gives the folder
/// this or, when the mailbox already gave that much (a folder deleted and created again within the second),
/// one more than the last it gave, so clients always drop their cached UIDs.</summary>
public static class UidValidity
{
    public static long New(TimeProvider time) => Math.Max(1, time.GetUtcNow().ToUnixTimeSeconds() & 0xFFFFFFFF);
}
