using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>Writes <c>&lt;DataDirectory&gt;/backups/openmailserver-backup-&lt;UTC yyyyMMddHHmmss&gt;.omsbak</c>
/// while the server keeps running: a consistent database snapshot (<c>VACUUM INTO</c>, one read
/// transaction), the message files that snapshot refers to (they never change once written), the DKIM keys,
/// the generated certificate and the admin key file, then the manifest — all as one TAR stream sealed by
/// <see cref="EncryptingStream"/>. Written under a temporary name of its own, renamed when complete, and read
/// back and checked before it is reported written. Backups run one at a time; each has its own name (the time
/// and a random suffix), so two asked for in the same second are two archives.</summary>
public sealed class BackupWriter(Database database, BlobStore blobs, BackupKey key, IOptions<StorageOptions> storage, IOptions<ServerOptions> server, TimeProvider time,
    ILogger<BackupWriter> logger)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public const string Extension = ".omsbak";

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public string Directory => Path.Combine(storage.Value.DataDirectory, "backups");

    public async Task<string> CreateAsync(CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var path = await WriteAsync(cancellationToken);
            var check = await BackupReader.ReadAsync(path, key.Get(), extractTo: null, cancellationToken);
            if (check.Ok) return path;
            File.Delete(path);
            throw new InvalidOperationException($"The backup just written does not validate ({check.Reason}); it was deleted.");
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<string> WriteAsync(CancellationToken cancellationToken)
    {
        var data = storage.Value.DataDirectory;
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var now = time.GetUtcNow();
        var path = Path.Combine(Directory, $"openmailserver-backup-{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}{Extension}");
        var partial = path + ".partial";
        var snapshot = Path.Combine(Directory, $"snapshot-{Guid.NewGuid():N}.db");
        try
        {
            await SqliteSnapshot.WriteAsync(database, snapshot, cancellationToken);
            var files = new List<(string Entry, string Source)> { (BackupManifest.DatabaseEntry, snapshot) };
            foreach (var blob in await SqliteSnapshot.ReferencedBlobsAsync(snapshot))
                files.Add(($"messages/{blob[..2]}/{blob}.eml", blobs.PathFor(blob)));
            foreach (var (folder, pattern) in new[] { ("dkim", "*.pem"), ("tls", "*.pem") })
            {
                var directory = Path.Combine(data, folder);
                if (System.IO.Directory.Exists(directory))
                    files.AddRange(System.IO.Directory.GetFiles(directory, pattern).Order().Select(f => ($"{folder}/{Path.GetFileName(f)}", f)));
            }
            foreach (var name in new[] { "admin-api-key", Webhooks.WebhookSecrets.FileName })
                if (File.Exists(Path.Combine(data, name))) files.Add((name, Path.Combine(data, name)));

            var manifest = new List<BackupFile>();
            await using (var file = new FileStream(partial, DurableFile.PrivateCreate()))
            {
                await using (var sealedStream = new EncryptingStream(file, key.Get()))
                await using (var tar = new TarWriter(sealedStream, TarEntryFormat.Pax, leaveOpen: true))
                {
                    var written = 0;
                    foreach (var (entry, source) in files)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (++written % 1000 == 0) logger.LogInformation("Backup in progress: {Done} of {Total} files", written, files.Count);
                        await using var content = File.OpenRead(source);
                        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
                        content.Position = 0;
                        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, entry) { DataStream = content }, cancellationToken);
                        manifest.Add(new BackupFile(entry, content.Length, hash));
                    }
                    var json = JsonSerializer.SerializeToUtf8Bytes(new BackupManifest(1, now, server.Value.Hostname, manifest), Json);
                    await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.EntryName) { DataStream = new MemoryStream(json) }, cancellationToken);
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, path, overwrite: false);
            DirectorySync.Flush(Directory);
            logger.LogInformation("Backup written to {Path}: {Files} files, sealed with the key in {KeyLocation}", path, manifest.Count, key.Location);
            return path;
        }
        finally
        {
            File.Delete(snapshot);
            File.Delete(partial);
        }
    }
}
