namespace OpenMailserver.Server.Operations.Backup;

/// <summary>Restores an archive into an empty data directory, checking it as it goes; if anything is
/// wrong, nothing is left behind. The server then starts on that directory as it was at the backup.</summary>
public static class BackupRestorer
{
    public static async Task<BackupCheck> RestoreAsync(string archive, byte[] key, string dataDirectory, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            return BackupCheck.Invalid($"{dataDirectory} is not empty: restore into a new, empty data directory.");
        var created = !Directory.Exists(dataDirectory);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dataDirectory);
        else Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var check = await BackupReader.ReadAsync(archive, key, dataDirectory, cancellationToken, progress);
        if (!check.Ok)
        {
            if (created) Directory.Delete(dataDirectory, recursive: true);
            else foreach (var entry in Directory.EnumerateFileSystemEntries(dataDirectory).ToList())
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry);
        }
        return check;
    }
}
