using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Operations;

/// <summary>Writes the redacted log, as <c>GET /v1/debug/logs</c> shows it, to
/// <c>&lt;DataDirectory&gt;/logs/openmailserver.log</c> (mode 0600), rolling it at 10 MB and keeping five old
/// files (<c>openmailserver.log.1</c> is the newest). Lines are queued and written by one task, so logging
/// never waits for the disk.</summary>
public sealed class LogFileWriter(LogRingBuffer logs, IOptions<StorageOptions> storage) : BackgroundService
{
    public const string FileName = "openmailserver.log";
    private const long MaxBytes = 10 * 1024 * 1024;
    private const int KeptFiles = 5;

    private readonly Channel<LogRingBuffer.Entry> _pending = Channel.CreateBounded<LogRingBuffer.Entry>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public string Directory => Path.Combine(storage.Value.DataDirectory, "logs");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        logs.Follow(entry => _pending.Writer.TryWrite(entry));

        var path = Path.Combine(Directory, FileName);
        var file = Open(path);
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_pending.Reader.TryRead(out var entry))
                {
                    var line = Encoding.UTF8.GetBytes(LogRingBuffer.Format(entry) + "\n");
                    if (file.Length + line.Length > MaxBytes)
                    {
                        await file.DisposeAsync();
                        Roll(path);
                        file = Open(path);
                    }
                    await file.WriteAsync(line, stoppingToken);
                }
                await file.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            while (_pending.Reader.TryRead(out var entry)) await file.WriteAsync(Encoding.UTF8.GetBytes(LogRingBuffer.Format(entry) + "\n"));
            await file.DisposeAsync();
        }
    }

    private static FileStream Open(string path)
    {
        var create = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, create);
    }

    private static void Roll(string path)
    {
        File.Delete($"{path}.{KeptFiles}");
        for (var i = KeptFiles - 1; i >= 1; i--)
            if (File.Exists($"{path}.{i}")) File.Move($"{path}.{i}", $"{path}.{i + 1}");
        File.Move(path, $"{path}.1");
    }
}
