namespace OpenMailserver.Server.Operations.Backup;

/// <summary>What reading an archive found: what it holds, or why it cannot be trusted.</summary>
public sealed record BackupCheck(bool Ok, string? Reason, BackupContents? Contents)
{
    public static BackupCheck Invalid(string reason) => new(false, reason, null);
}

/// <summary>What a sound archive holds.</summary>
public sealed record BackupContents(DateTimeOffset CreatedAt, string Hostname, int Files, long Bytes, long Mailboxes, long Aliases, long Messages,
    long OutboundMessages);
