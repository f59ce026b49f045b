namespace OpenMailserver.Server.Storage;

/// <summary>What a mailbox session keeps of each message of the selected folder.</summary>
public sealed record MessageEntry(string Id, long Uid, string Flags, long Size, long ReceivedAt, string Blob, long ModSeq)
{
    public IReadOnlySet<string> FlagSet => MessageFlags.Parse(Flags);
}
