using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>Backup: a configured encryption key is a real key; the import directory is absolute.</summary>
public sealed class BackupOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        if (o.Backup.EncryptionKey is { } backupKey && !BackupKey.TryParse(backupKey, out _))
            errors.Add($"{P}Backup:EncryptionKey must be 32 bytes in base64 (e.g. the output of: openssl rand -base64 32).");
        if (!string.IsNullOrEmpty(o.Backup.ImportDirectory) && !Path.IsPathRooted(o.Backup.ImportDirectory))
            errors.Add($"{P}Backup:ImportDirectory must be an absolute path, not '{o.Backup.ImportDirectory}'.");
    }
}
