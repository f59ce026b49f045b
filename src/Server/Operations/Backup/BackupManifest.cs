namespace OpenMailserver.Server.Operations.Backup;

/// <summary>The last entry of an archive: every file it holds with its size and SHA-256.</summary>
public sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, string Hostname, IReadOnlyList<BackupFile> Files)
{
    public const string EntryName = "manifest.json";
    public const string DatabaseEntry = "openmailserver.db";
}

public sealed record BackupFile(string Path, long Size, string Sha256);
