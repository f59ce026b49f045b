using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Storage;

/// <summary>Raw MIME messages as files named by their SHA-256, under <c>&lt;DataDirectory&gt;/messages</c>.
/// A write goes to a temporary file, is fsynced, renamed into place and the directory fsynced, so a blob is
/// either whole on disk or absent. Content addressing lets one delivery to many mailboxes share one file.</summary>
public sealed class BlobStore
{
    private readonly string _root;
    private readonly string _temp;

    public BlobStore(IOptions<StorageOptions> storage)
    {
        _root = Path.Combine(storage.Value.DataDirectory, "messages");
        _temp = Path.Combine(_root, "tmp");
    }

    public string Root => _root;

    public async Task<string> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var path = PathFor(hash);
        var directory = Path.GetDirectoryName(path)!;
        if (File.Exists(path) && new FileInfo(path).Length == content.Length)
        {
            // Another writer renamed it into place but may not have synced the directories yet; the file's own
            // content was fsynced before its rename, so syncing the directories here makes it durable for us too.
            DirectorySync.Flush(directory);
            DirectorySync.Flush(_root);
            return hash;
        }

        CreatePrivateDirectory(_root);
        CreatePrivateDirectory(_temp);
        var newDirectory = !Directory.Exists(directory);
        CreatePrivateDirectory(directory);

        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        try
        {
            var create = DurableFile.PrivateCreate();
            create.BufferSize = 64 * 1024;
            create.Options = FileOptions.Asynchronous;
            await using (var file = new FileStream(temp, create))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        DirectorySync.Flush(directory);
        if (newDirectory) DirectorySync.Flush(_root);
        return hash;
    }

    /// <summary>Directories of the store are the server's alone (0700), like the files in them (0600).</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public async Task<byte[]> ReadAsync(string hash, CancellationToken cancellationToken = default) =>
        await File.ReadAllBytesAsync(PathFor(hash), cancellationToken);

    public Stream OpenRead(string hash) =>
        new FileStream(PathFor(hash), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);

    public string PathFor(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a SHA-256 blob name.", nameof(hash));
        return Path.Combine(_root, hash[..2], hash + ".eml");
    }
}
