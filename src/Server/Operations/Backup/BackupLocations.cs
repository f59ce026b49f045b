using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>Which files the API may open as archives: those directly inside <c>&lt;DataDirectory&gt;/backups</c>
/// or <c>Backup:ImportDirectory</c>, named by file name or by full path, and not symbolic links. Anything else —
/// another directory, a missing file, a link — gets the same answer, so the API does not tell which files
/// exist on the host.</summary>
public static class BackupLocations
{
    public static string Resolve(string requested, string backupsDirectory, string? importDirectory)
    {
        if (requested.Contains('\0'))
            throw new MailServerException(ErrorKind.InvalidArgument, "path must name a backup archive; it holds a NUL character.");
        var allowed = new[] { backupsDirectory, importDirectory }.Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d!))).ToList();
        var name = Path.GetFileName(requested);
        var candidates = requested.Contains('/') || requested.Contains('\\')
            ? Path.IsPathRooted(requested) ? [Path.GetFullPath(requested)] : []
            : allowed.Select(d => Path.Combine(d, name));
        foreach (var candidate in candidates)
        {
            if (name is "" or "." or ".." || !allowed.Contains(Path.GetDirectoryName(candidate)!)) continue;
            var file = new FileInfo(candidate);
            if (file.Exists && file.LinkTarget is null) return candidate;
        }
        throw new MailServerException(ErrorKind.NotFound,
            $"No backup archive '{EmailAddress.Shorten(name)}': give the name of a file in {backupsDirectory}{(allowed.Count > 1 ? " or Backup:ImportDirectory" : "")}.");
    }
}
