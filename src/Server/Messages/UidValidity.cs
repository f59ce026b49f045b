namespace OpenMailserver.Server.Messages;

/// <summary>IMAP UIDVALIDITY for a new folder: seconds since the epoch, so a folder deleted and created
/// again under the same name gets a larger value and clients drop their cached UIDs.</summary>
public static class UidValidity
{
    public static long New(TimeProvider time) => Math.Max(1, time.GetUtcNow().ToUnixTimeSeconds() & 0xFFFFFFFF);
}
