using OpenMailserver.Server.Operations.Backup;

namespace OpenMailserver.Server.Cli;

/// <summary><c>restore &lt;archive&gt; --data-directory &lt;dir&gt; --key-file &lt;file&gt; | --backup-key &lt;base64&gt;</c>: restores a
/// backup into an empty data directory, offline. Exit code 0 when restored, 1 when the archive is refused,
/// 2 when something needed is missing.</summary>
public static class RestoreCommand
{
    public static async Task<int> RunAsync(string archive, string directory, string? keyFile, string? keyText, TextWriter output, TextWriter error)
    {
        if (keyFile is not null)
        {
            if (!File.Exists(keyFile))
            {
                await error.WriteLineAsync($"The key file {keyFile} does not exist.");
                return 2;
            }
            keyText = await File.ReadAllTextAsync(keyFile);
        }
        if (keyText is null || !BackupKey.TryParse(keyText, out var key))
        {
            await error.WriteLineAsync("A key is needed: --key-file <old data directory>/backup.key, or --backup-key <32 bytes in base64> (Backup:EncryptionKey).");
            return 2;
        }
        if (!File.Exists(archive))
        {
            await error.WriteLineAsync($"No archive at {archive}.");
            return 2;
        }

        await output.WriteLineAsync($"Restoring {archive} into {Path.GetFullPath(directory)}, checking every file...");
        // The archive is about as large as what it holds: report every tenth of it.
        var total = new FileInfo(archive).Length;
        var reported = 0L;
        var progress = new Reporter(done =>
        {
            if (done - reported < total / 10) return;
            reported = done;
            output.WriteLine($"  {Size(done)} of about {Size(total)} checked");
        });
        var check = await BackupRestorer.RestoreAsync(archive, key, Path.GetFullPath(directory), progress);
        if (!check.Ok)
        {
            await error.WriteLineAsync($"Not restored: {check.Reason}");
            return 1;
        }
        var c = check.Contents!;
        await output.WriteLineAsync($"Restored the backup of {c.Hostname} taken {c.CreatedAt:yyyy-MM-dd HH:mm:ss}Z: {c.Files} files ({c.Bytes} bytes), " +
                                    $"{c.Mailboxes} mailboxes, {c.Aliases} aliases, {c.Messages} messages, {c.OutboundMessages} outbound messages.");
        return 0;
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.0} MB" : $"{bytes / 1024.0:0} KB";

    /// <summary>Reports on the caller's thread, so the lines come in order.</summary>
    private sealed class Reporter(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
