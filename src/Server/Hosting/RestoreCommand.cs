using OpenMailserver.Server.Operations.Backup;

namespace OpenMailserver.Server.Hosting;

/// <summary><c>OpenMailserver.Server restore &lt;archive&gt; --data-directory &lt;dir&gt; [--key-file &lt;file&gt; | --key &lt;base64&gt;]</c>:
/// restores a backup into an empty data directory, offline. Exit code 0 when restored, 1 when the archive
/// is refused, 2 for a usage error.</summary>
public static class RestoreCommand
{
    private const string Usage =
        """
        Usage: OpenMailserver.Server restore <archive> --data-directory <dir> [--key-file <file> | --key <base64>]

        Restores an Open Mailserver backup into an empty data directory, checking every file on the way.
        The key is the one the backup was sealed with: the backup.key file of the old data directory
        (--key-file), or the value of Backup:EncryptionKey (--key, or the environment variable
        OpenMailserver__Backup__EncryptionKey). Then start the server with DataDirectory set to <dir>.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }
        string? archive = null, directory = null, keyFile = null, keyText = Environment.GetEnvironmentVariable("OpenMailserver__Backup__EncryptionKey");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data-directory" when i + 1 < args.Length: directory = args[++i]; break;
                case "--key-file" when i + 1 < args.Length: keyFile = args[++i]; break;
                case "--key" when i + 1 < args.Length: keyText = args[++i]; break;
                case var value when !value.StartsWith('-') && archive is null: archive = value; break;
                default:
                    await error.WriteLineAsync($"Unexpected argument '{args[i]}'.\n\n{Usage}");
                    return 2;
            }
        }
        if (archive is null || directory is null)
        {
            await error.WriteLineAsync($"Both the archive and --data-directory are required.\n\n{Usage}");
            return 2;
        }
        if (keyFile is not null) keyText = File.Exists(keyFile) ? await File.ReadAllTextAsync(keyFile) : null;
        if (keyText is null || !BackupKey.TryParse(keyText, out var key))
        {
            await error.WriteLineAsync(keyFile is not null && !File.Exists(keyFile)
                ? $"The key file {keyFile} does not exist."
                : "A key is needed: --key-file <backup.key> or --key <32 bytes in base64>.");
            return 2;
        }
        if (!File.Exists(archive))
        {
            await error.WriteLineAsync($"No archive at {archive}.");
            return 2;
        }

        await output.WriteLineAsync($"Restoring {archive} into {Path.GetFullPath(directory)}, checking every file...");
        var check = await BackupRestorer.RestoreAsync(archive, key, Path.GetFullPath(directory));
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
}
