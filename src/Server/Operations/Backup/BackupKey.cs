using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>The key archives are sealed with: <c>Backup:EncryptionKey</c>, or a key generated once into
/// <c>&lt;DataDirectory&gt;/backup.key</c> (mode 0600), which is never put into an archive.</summary>
public sealed class BackupKey(IOptions<BackupOptions> backup, IOptions<StorageOptions> storage, ILogger<BackupKey> logger)
{
    public const string FileName = "backup.key";

    public string FilePath => Path.Combine(storage.Value.DataDirectory, FileName);

    /// <summary>Where the key is, for the operator: the configuration or the key file.</summary>
    public string Location => string.IsNullOrEmpty(backup.Value.EncryptionKey) ? FilePath : "Backup:EncryptionKey (configuration)";

    public byte[] Get()
    {
        if (backup.Value.EncryptionKey is { Length: > 0 } configured && TryParse(configured, out var key)) return key;
        if (File.Exists(FilePath) && TryParse(File.ReadAllText(FilePath), out key)) return key;
        key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(BackupFormat.KeySize);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(FilePath, create))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
            file.Flush(flushToDisk: true);
        }
        DirectorySync.Flush(storage.Value.DataDirectory);
        logger.LogWarning("Generated the backup key in {KeyFile}: keep a copy away from this machine, or backups cannot be restored when it is lost", FilePath);
        return key;
    }

    public static bool TryParse(string text, out byte[] key)
    {
        key = [];
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return key.Length == BackupFormat.KeySize;
    }
}
