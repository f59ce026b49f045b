using System.Diagnostics;

namespace OpenMailserver.Server.Cli;

/// <summary><c>import mbox &lt;file&gt; --mailbox &lt;address&gt; [--folder &lt;name&gt;]</c>: sends the messages of an
/// mbox file to the running server's import (POST /v1/mailboxes/{address}/import) in batches, showing its
/// progress. Every batch is stored whole or not at all, under keys made from the messages themselves, so after
/// a crash or an interruption the same command continues where it stopped: what was stored is skipped.</summary>
public static class ImportCommand
{
    /// <summary>Bytes per request: well within the server's smallest allowed Limits:MaxMessageBytes is not
    /// needed, since a larger message goes alone, but small enough that a retry repeats little.</summary>
    private const int BatchBytes = 4 * 1024 * 1024;

    private const int BatchMessages = 500;

    public static async Task<int> RunAsync(ApiClient client, string file, string address, string folder, int maxMessageBytes, TextWriter output,
        TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(file)) throw new CliException($"No file {file}.");
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var reader = new MboxReader(stream, maxMessageBytes);
        var path = $"/v1/mailboxes/{Uri.EscapeDataString(address)}/import";
        var clock = Stopwatch.StartNew();
        var progress = new Progress(error, stream.Length);
        long imported = 0, skipped = 0, empty = 0;
        // The folder is part of each key, so a message that two folders both hold (one mbox file each) is imported into both.
        var folderKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..16] + ":";
        var batch = new List<object>();
        var batchBytes = 0L;

        async Task SendAsync()
        {
            if (batch.Count == 0) return;
            var result = await client.PostAsync(path, new { folder, messages = batch });
            imported += result.TryGetProperty("imported", out var i) ? i.GetInt32() : 0;
            skipped += result.TryGetProperty("skipped", out var s) ? s.GetInt32() : 0;
            batch.Clear();
            batchBytes = 0;
            await progress.ShowAsync(reader.Position, imported, skipped, clock.Elapsed);
        }

        while (await reader.ReadAsync(cancellationToken) is { } message)
        {
            if (message.Raw.Length == 0)
            {
                empty++;
                continue;
            }
            if (batch.Count > 0 && (batch.Count == BatchMessages || batchBytes + message.Raw.Length > BatchBytes)) await SendAsync();
            batch.Add(new { raw = message.Raw, key = folderKey + message.Key, received_at = message.ReceivedAt, flags = message.Flags });
            batchBytes += message.Raw.Length;
        }
        await SendAsync();
        await progress.DoneAsync();
        await output.WriteLineAsync($"Imported {imported} messages into {address} {folder} in {clock.Elapsed.TotalSeconds:F1} s; {skipped} were imported before"
                                    + (empty > 0 ? $"; {empty} empty ones were left out." : "."));
        return 0;
    }

    /// <summary>One line, rewritten in place: how far into the file, how many stored, how fast.</summary>
    private sealed class Progress(TextWriter writer, long total)
    {
        private const int Width = 30;

        public Task ShowAsync(long position, long imported, long skipped, TimeSpan elapsed)
        {
            var share = total == 0 ? 1 : Math.Clamp((double)position / total, 0, 1);
            var filled = (int)(share * Width);
            var rate = elapsed.TotalSeconds > 0 ? (imported + skipped) / elapsed.TotalSeconds : 0;
            return writer.WriteAsync($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {share * 100,3:F0}% {imported} imported, {skipped} skipped, {rate:F0} msg/s ");
        }

        public Task DoneAsync() => writer.WriteLineAsync();
    }
}
