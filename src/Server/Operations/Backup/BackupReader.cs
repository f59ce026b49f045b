using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>One pass over an archive: decrypts and checks every chunk, hashes every file against the
/// manifest, opens the database snapshot and runs SQLite's integrity check, and makes sure every message
/// file the database refers to is there. Optionally extracts into a directory as it goes (restore).</summary>
public static class BackupReader
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="progress">Told the bytes read so far, after each file.</param>
    public static async Task<BackupCheck> ReadAsync(string archive, byte[] key, string? extractTo, CancellationToken cancellationToken = default,
        IProgress<long>? progress = null)
    {
        long done = 0;
        var seen = new Dictionary<string, (long Size, string Hash)>();
        BackupManifest? manifest = null;
        var scratch = Path.Combine(Path.GetTempPath(), "openmailserver-check-" + Guid.NewGuid().ToString("N"));
        var database = Path.Combine(extractTo ?? scratch, BackupManifest.DatabaseEntry);
        try
        {
            await using (var file = File.OpenRead(archive))
            await using (var decrypted = new DecryptingStream(file, key))
            await using (var tar = new TarReader(decrypted))
            {
                while (await tar.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
                {
                    if (entry.EntryType != TarEntryType.RegularFile || !IsSafe(entry.Name))
                        return BackupCheck.Invalid($"The archive holds an unexpected entry '{entry.Name}'.");
                    if (entry.Name == BackupManifest.EntryName)
                    {
                        manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(entry.DataStream!, Json, cancellationToken);
                        continue;
                    }
                    var target = extractTo is not null ? Path.Combine(extractTo, entry.Name)
                        : entry.Name == BackupManifest.DatabaseEntry ? database : null;
                    seen[entry.Name] = await CopyAsync(entry.DataStream, target, cancellationToken);
                    progress?.Report(done += seen[entry.Name].Size);
                }
            }
        }
        catch (BackupCorruptException e)
        {
            return BackupCheck.Invalid(e.Message);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or JsonException)
        {
            return BackupCheck.Invalid($"The archive's content is damaged: {e.Message}");
        }

        try
        {
            if (manifest is null) return BackupCheck.Invalid("The archive has no manifest: it is incomplete.");
            foreach (var listed in manifest.Files)
            {
                if (!seen.TryGetValue(listed.Path, out var found)) return BackupCheck.Invalid($"{listed.Path} is in the manifest but missing from the archive.");
                if (found.Hash != listed.Sha256 || found.Size != listed.Size)
                    return BackupCheck.Invalid($"{listed.Path} does not match its SHA-256 in the manifest.");
            }
            var unlisted = seen.Keys.Except(manifest.Files.Select(f => f.Path)).FirstOrDefault();
            if (unlisted is not null) return BackupCheck.Invalid($"{unlisted} is in the archive but not in its manifest.");
            if (!seen.ContainsKey(BackupManifest.DatabaseEntry)) return BackupCheck.Invalid("The archive holds no database.");
            return await CheckDatabaseAsync(database, manifest, seen);
        }
        finally
        {
            SqliteSnapshot.ReleaseFiles();
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<BackupCheck> CheckDatabaseAsync(string database, BackupManifest manifest, Dictionary<string, (long Size, string Hash)> seen)
    {
        var contents = await SqliteSnapshot.CheckAsync(database);
        if (contents.Problem is not null) return BackupCheck.Invalid(contents.Problem);
        foreach (var blob in contents.Blobs)
            if (!seen.ContainsKey($"messages/{blob[..2]}/{blob}.eml"))
                return BackupCheck.Invalid($"The database refers to message file {blob}, which the archive lacks.");
        return new BackupCheck(true, null, new BackupContents(manifest.CreatedAt, manifest.Hostname, manifest.Files.Count, manifest.Files.Sum(f => f.Size),
            contents.Mailboxes, contents.Aliases, contents.Messages, contents.OutboundMessages));
    }

    private static async Task<(long, string)> CopyAsync(Stream? data, string? target, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var output = target is null ? null : Create(target);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while (data is not null && (read = await data.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (output is not null) await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            size += read;
        }
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static FileStream Create(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, create);
    }

    /// <summary>Relative, forward slashes, no way out of the target directory.</summary>
    private static bool IsSafe(string name) =>
        name.Length > 0 && !name.StartsWith('/') && !name.Contains('\\') && !name.Contains(':') && name.Split('/').All(part => part is not ("" or "." or ".."));
}
