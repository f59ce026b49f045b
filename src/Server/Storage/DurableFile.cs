namespace OpenMailserver.Server.Storage;

/// <summary>Small files that must survive a crash once written (keys, secrets): written to a temporary file
/// beside the target, fsynced, renamed over it, and the directory fsynced, so the file is either whole under
/// its name or absent, never empty or half-written. Created readable by the server's user only.</summary>
internal static class DurableFile
{
    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, PrivateCreate()))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
        DirectorySync.Flush(directory);
    }

    /// <summary>Deletes the file and makes the deletion durable.</summary>
    public static void Delete(string path)
    {
        File.Delete(path);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Options creating a new file with mode 0600.</summary>
    public static FileStreamOptions PrivateCreate(FileMode mode = FileMode.CreateNew)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }
}
