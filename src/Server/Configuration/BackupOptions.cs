namespace OpenMailserver.Server.Configuration;

public sealed class BackupOptions
{
    /// <summary>The archive key: 32 bytes in base64. Unset: a key is generated into
    /// <c>&lt;DataDirectory&gt;/backup.key</c> at the first backup — keep a copy elsewhere, or the archives
    /// cannot be opened when the data directory is lost.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>A second folder whose archives <c>POST /v1/restore/validate</c> may open (by name or full path),
    /// besides <c>&lt;DataDirectory&gt;/backups</c>: where archives copied from another machine are put. Unset:
    /// only the backups folder.</summary>
    public string? ImportDirectory { get; set; }
}
